using Spectre.Console;
using Vigil.Analysis.Drift;
using Vigil.Statistics.Drift;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>What a reference profile holds, on the console or as JSON (<c>vigil profile</c>, <c>vigil profile show</c>).</summary>
internal static class ProfileReport
{
    public static readonly string[] Headers = ["column", "type", "missing", "values", "distinct / buckets", "exact", "cdf error", "mean", "std", "min", "max"];

    public static IEnumerable<(string Key, string Value)> Facts(ReferenceProfile p)
    {
        yield return ("Profile", p.Path ?? "(unsaved)");
        yield return (p.Sources.Count == 1 ? "Source" : "Sources", string.Join("; ", p.Sources));
        yield return ("Rows", Fmt.Count(p.Rows));
        yield return ("Resolution", $"numbers with more than {Fmt.Count(p.Resolution)} distinct values are pooled into about that many buckets");
        yield return ("Created", Fmt.Moment(p.Created));
    }

    public static IEnumerable<string[]> Rows(ReferenceProfile p) => p.Columns.Select(c =>
    {
        var s = c.Numbers;
        return new[]
        {
            c.Name,
            DriftReport.Type(c.Type),
            Fmt.Count(c.Missing),
            Fmt.Count(c.Values),
            s is null ? Fmt.Count(c.Categories!.Count) : Fmt.Count(s.Counts.Length),
            s is null || s.IsExact ? "yes" : "no",
            s is null ? Fmt.Dash : s.IsExact ? "0" : Fmt.Num(s.CdfError),
            s is null ? Fmt.Dash : Fmt.Num(s.Mean),
            s is null ? Fmt.Dash : Fmt.Num(s.StandardDeviation),
            s is null ? Fmt.Dash : Fmt.Num(s.Min),
            s is null ? Fmt.Dash : Fmt.Num(s.Max),
        };
    });

    /// <summary>Writes the profile on the console or as JSON; other formats are bad input.</summary>
    public static void Write(ReferenceProfile p, ReportFormat format, TextWriter w, IAnsiConsole? console) => ReportWriter.Write(p, format, w, console);

    public static void WriteConsole(ReferenceProfile p, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil reference profile", Facts(p));
        // The same width rules as every console table: names whole, numbers never cut (the rightmost give way).
        ColumnKind[] kinds = [ColumnKind.Key, ColumnKind.Word, ColumnKind.Number, ColumnKind.Number, ColumnKind.Long, ColumnKind.Word,
            ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number];
        var t = new ConsoleTable("Columns");
        for (var i = 0; i < Headers.Length; i++) t.Column(Headers[i], kinds[i]);
        foreach (var row in Rows(p)) t.Row(row);
        t.Write(c);
        var pooled = p.Columns.Count(x => x.Numbers is { IsExact: false });
        c.WriteLine(pooled == 0
            ? "Every column is held exactly: drift against this profile is exact."
            : $"{pooled} numerical column{(pooled == 1 ? " is" : "s are")} pooled into buckets: drift against them is approximate, within the bounds each result states (cdf error: the most the distribution function can be off).");
    }

    /// <summary>The profile's JSON document (<see cref="Json.ProfileDocument"/>).</summary>
    public static string ToJson(ReferenceProfile p) => JsonReport.ToJson(Json.ProfileDocument.From(p));
}
