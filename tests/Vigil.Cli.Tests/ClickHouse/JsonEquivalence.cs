using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary>Compares two JSON reports of the same analysis over the same rows: numbers to 1e-9 relative (absolute
/// below 1), strings, booleans, nulls, keys and array lengths exactly; lists the differences by JSON path.</summary>
internal static partial class JsonEquivalence
{
    /// <summary>Relative tolerance for numbers (absolute for values below 1 in magnitude).</summary>
    public const double Tolerance = 1e-9;

    /// <summary>
    /// What must differ between engines, and nothing else:
    /// - a source's <c>description</c> and <c>engine</c> (a file name and "duckdb" against a URL and "clickhouse"): any
    ///   object holding both keys is a source (<c>source</c>, drift's and diagnose's <c>reference</c>/<c>current</c>);
    /// - the SQL type names of summary's column list (<c>quality.columns[i].type</c>: VARCHAR against String);
    /// - the type named in the "stored as text (VARCHAR)" message (normalized by <see cref="Normalize"/>);
    /// - generated-at timestamps and elapsed times, under any of the names below (no report has them today).
    /// </summary>
    private static readonly string[] IgnoredSourceKeys = ["description", "engine"];

    private static readonly Regex[] IgnoredPaths =
    [
        SqlTypePath(),
        TimingPath(),
    ];

    [GeneratedRegex(@"^\$\.quality\.columns\[\d+\]\.type$")]
    private static partial Regex SqlTypePath();

    [GeneratedRegex(@"\.(generated_at|generated|created_at|elapsed|elapsed_ms|elapsed_seconds|duration_ms|duration_seconds)$")]
    private static partial Regex TimingPath();

    [GeneratedRegex(@"stored as text \([^)]*\)")]
    private static partial Regex StoredAsText();

    /// <summary>The differences between <paramref name="expected"/> (DuckDB's) and <paramref name="actual"/> (the
    /// cluster's), as "path: expected … actual …", at most <paramref name="max"/>. <paramref name="known"/>: paths of a
    /// case that docs/engine.md ("Analyses on the cluster") says differ between engines, each with its reason at the
    /// call.</summary>
    public static List<string> Differences(string expected, string actual, int max = 20, IReadOnlyList<Regex>? known = null)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        var diffs = new List<string>();
        Compare(e.RootElement, a.RootElement, "$", diffs, max, known ?? []);
        return diffs;
    }

    private static void Compare(JsonElement e, JsonElement a, string path, List<string> diffs, int max, IReadOnlyList<Regex> known)
    {
        if (diffs.Count >= max || IgnoredPaths.Any(r => r.IsMatch(path)) || known.Any(r => r.IsMatch(path))) return;
        if (e.ValueKind != a.ValueKind)
        {
            diffs.Add($"{path}: DuckDB {Show(e)}, ClickHouse {Show(a)}");
            return;
        }
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                bool isSource = IgnoredSourceKeys.All(k => e.TryGetProperty(k, out _));
                var keys = e.EnumerateObject().Select(p => p.Name).ToList();
                foreach (var p in a.EnumerateObject())
                {
                    if (!keys.Contains(p.Name)) keys.Add(p.Name);
                }
                foreach (string k in keys)
                {
                    if (isSource && IgnoredSourceKeys.Contains(k)) continue;
                    bool inE = e.TryGetProperty(k, out var ev), inA = a.TryGetProperty(k, out var av);
                    if (!inE || !inA) diffs.Add($"{path}.{k}: DuckDB {(inE ? Show(ev) : "(missing)")}, ClickHouse {(inA ? Show(av) : "(missing)")}");
                    else Compare(ev, av, $"{path}.{k}", diffs, max, known);
                    if (diffs.Count >= max) return;
                }
                break;
            case JsonValueKind.Array:
                int ne = e.GetArrayLength(), na = a.GetArrayLength();
                if (ne != na) diffs.Add($"{path}: DuckDB {ne} items, ClickHouse {na}");
                for (int i = 0; i < Math.Min(ne, na) && diffs.Count < max; i++) Compare(e[i], a[i], $"{path}[{i}]", diffs, max, known);
                break;
            case JsonValueKind.Number:
                double x = e.GetDouble(), y = a.GetDouble();
                if (!Close(x, y)) diffs.Add($"{path}: DuckDB {e.GetRawText()}, ClickHouse {a.GetRawText()} (difference {(y - x).ToString("G3", CultureInfo.InvariantCulture)})");
                break;
            case JsonValueKind.String:
                if (Normalize(e.GetString()!) != Normalize(a.GetString()!)) diffs.Add($"{path}: DuckDB {Show(e)}, ClickHouse {Show(a)}");
                break;
            default:
                // true, false, null: the kinds already matched.
                break;
        }
    }

    /// <summary>The <c>engine</c> of every source object in the report (objects holding a description and an engine).</summary>
    public static List<string> Engines(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var engines = new List<string>();
        void Walk(JsonElement v)
        {
            if (v.ValueKind == JsonValueKind.Object)
            {
                if (IgnoredSourceKeys.All(k => v.TryGetProperty(k, out _))) engines.Add(v.GetProperty("engine").GetString() ?? "(null)");
                foreach (var p in v.EnumerateObject()) Walk(p.Value);
            }
            else if (v.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in v.EnumerateArray()) Walk(x);
            }
        }
        Walk(doc.RootElement);
        return engines;
    }

    /// <summary>Equal to <see cref="Tolerance"/>, relative to the larger magnitude, or absolute below 1.</summary>
    public static bool Close(double x, double y) =>
        x == y || Math.Abs(x - y) <= Tolerance * Math.Max(1.0, Math.Max(Math.Abs(x), Math.Abs(y)));

    /// <summary>Replaces the SQL type inside "stored as text (VARCHAR)" (ClickHouse: String).</summary>
    public static string Normalize(string s) => StoredAsText().Replace(s, "stored as text (…)");

    private static string Show(JsonElement v)
    {
        string t = v.ValueKind switch
        {
            JsonValueKind.Object => "{…}",
            JsonValueKind.Array => $"[{v.GetArrayLength()} items]",
            _ => v.GetRawText(),
        };
        return t.Length > 200 ? t[..200] + "…" : t;
    }
}
