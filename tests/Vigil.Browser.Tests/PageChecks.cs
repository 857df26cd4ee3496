using System.Text.Json;
using Microsoft.Playwright;

namespace Vigil.Browser.Tests;

/// <summary>What every page's charts must do for a reader: each is drawn at a readable size with labelled axes, and
/// its text stays inside it without collisions.</summary>
internal static class PageChecks
{
    public static async Task ChartsReadable(IPage page, string name, bool needCharts)
    {
        var charts = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('svg.chart')].map(svg => {
              const box = svg.getBoundingClientRect();
              const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '' && t.getBBox().width > 0);
              const rects = texts.map(t => ({ r: t.getBoundingClientRect(), rotated: !!t.closest('[transform*="rotate"]'), s: t.textContent.trim() }));
              const outside = rects.filter(x => x.r.left < box.left - 2 || x.r.right > box.right + 2 || x.r.top < box.top - 2 || x.r.bottom > box.bottom + 2).map(x => x.s);
              const flat = rects.filter(x => !x.rotated);
              const collisions = [];
              for (let i = 0; i < flat.length; i++) for (let j = i + 1; j < flat.length; j++) {
                const a = flat[i].r, b = flat[j].r;
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 1.5 && h > 1.5) collisions.push(flat[i].s + ' / ' + flat[j].s);
              }
              const title = svg.querySelector('.chart-title');
              return {
                name: (svg.getAttribute('data-chart') || '?') + ': ' + (title ? title.textContent : ''),
                width: box.width, height: box.height,
                axisLabels: svg.querySelectorAll('.axis-label').length,
                outside, collisions,
              };
            })
            """);
        if (needCharts) Assert.True(charts.GetArrayLength() > 0, $"{name}: no charts");
        foreach (var c in charts.EnumerateArray())
        {
            var what = $"{name} / {c.GetProperty("name").GetString()}";
            Assert.True(c.GetProperty("width").GetDouble() >= 200 && c.GetProperty("height").GetDouble() >= 120, $"{what}: drawn too small");
            Assert.True(c.GetProperty("axisLabels").GetInt32() >= 2, $"{what}: an axis has no label");
            Assert.True(c.GetProperty("outside").GetArrayLength() == 0, $"{what}: text outside the chart: {c.GetProperty("outside")}");
            Assert.True(c.GetProperty("collisions").GetArrayLength() == 0, $"{what}: labels collide: {c.GetProperty("collisions")}");
        }
    }
}
