using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

/// <summary>One column of a profile: its kind, the values it left out (nulls, NaN, infinities), and either a numerical
/// summary or every category with its count.</summary>
public sealed record ProfileColumn(string Name, string Kind, long Missing, NumericSummary? Numbers, IReadOnlyDictionary<string, long>? Categories)
{
    public ColumnType Type => Numbers is not null ? ColumnType.Numerical : ColumnType.Categorical;

    /// <summary>Values counted (missing ones aside).</summary>
    public long Values => Numbers?.Count ?? Categories!.Values.Sum();
}

/// <summary>
/// A reference's sufficient statistics for drift, stored so that drift can be computed when the reference data is not
/// at hand (<c>vigil profile</c>, then <c>vigil drift --reference ref.vigil-profile</c>): per column the missing
/// count, and every category's count, or a <see cref="NumericSummary"/> (exact moments, range and values, pooled into
/// buckets beyond its resolution). Profiles merge. The file is gzip-compressed JSON (format in docs/profiles.md).
/// </summary>
public sealed class ReferenceProfile
{
    public const string Extension = ".vigil-profile";
    private const string FormatName = "vigil-profile";
    private const int FormatVersion = 1;

    public ReferenceProfile(IReadOnlyList<string> sources, long rows, int resolution, IReadOnlyList<ProfileColumn> columns, DateTime created)
    {
        Sources = sources;
        Rows = rows;
        Resolution = resolution;
        Columns = columns;
        Created = created;
    }

    /// <summary>What was profiled: one source, or the sources of the profiles merged into this one.</summary>
    public IReadOnlyList<string> Sources { get; }
    public long Rows { get; }
    /// <summary>Buckets a numerical column is pooled into beyond that many distinct values.</summary>
    public int Resolution { get; }
    public IReadOnlyList<ProfileColumn> Columns { get; }
    public DateTime Created { get; }

    /// <summary>Where the profile was read from (set by <see cref="Load"/>), for messages and reports.</summary>
    public string? Path { get; private set; }

    public string Description => $"profile {Path ?? "(unsaved)"} of {(Sources.Count == 1 ? Sources[0] : $"{Sources.Count} sources")}";

    /// <summary>Profiles a source: every column but the id and timestamps (or the ones named), counted in the engine
    /// as <c>vigil drift</c> counts them.</summary>
    internal static ReferenceProfile Build(OpenedSource source, IReadOnlyList<string>? columns, int resolution = NumericSummary.DefaultResolution,
        IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (resolution < 2) throw new VigilInputException($"--resolution: {resolution} is too small; expected at least 2 buckets");
        progress ??= NoProgress.Instance;
        var chosen = DriftAnalysis.SelectColumns(source.Columns, source.Description, source, new DriftOptions { Columns = columns });
        if (chosen.Count == 0) throw new VigilInputException($"{source.Description}: no columns to profile besides the id and timestamps");
        progress.Stage($"Counting values in {source.Description}");
        var (rows, counts) = DriftAnalysis.Count(source, chosen);
        if (rows == 0) throw new VigilInputException($"{source.Description}: no rows");
        progress.Stage("Summarising columns");
        var result = new ProfileColumn[chosen.Count];
        Parallel.For(0, chosen.Count, k =>
        {
            var c = chosen[k];
            var side = counts[k];
            var kind = KindName(c.Reference.Kind);
            if (c.Type == ColumnType.Numerical)
            {
                var (v, n, len) = side.SortedNumbers();
                result[k] = new ProfileColumn(c.Name, kind, side.Missing, NumericSummary.FromSorted(v.AsSpan(0, len), n.AsSpan(0, len), resolution), null);
            }
            else result[k] = new ProfileColumn(c.Name, kind, side.Missing, null, new SortedDictionary<string, long>(side.Categories, StringComparer.Ordinal));
            side.Release();
        });
        return new ReferenceProfile([source.Description], rows, resolution, result, DateTime.UtcNow);
    }

    /// <summary>The profile of both profiles' rows together. They must hold the same columns, each numerical in both
    /// or categorical in both.</summary>
    public static ReferenceProfile Merge(ReferenceProfile a, ReferenceProfile b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var resolution = Math.Max(a.Resolution, b.Resolution);
        var names = a.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (b.Columns.FirstOrDefault(c => !names.Contains(c.Name)) is { } extra)
            throw new VigilInputException($"cannot merge: {b.Description} has column '{extra.Name}', {a.Description} does not");
        var columns = new List<ProfileColumn>();
        foreach (var ca in a.Columns)
        {
            var cb = b.Columns.FirstOrDefault(c => c.Name == ca.Name)
                     ?? throw new VigilInputException($"cannot merge: {a.Description} has column '{ca.Name}', {b.Description} does not");
            if (ca.Type != cb.Type)
                throw new VigilInputException($"cannot merge: column '{ca.Name}' is {TypeName(ca.Type)} in {a.Description} but {TypeName(cb.Type)} in {b.Description}");
            var kind = ca.Kind == cb.Kind ? ca.Kind : ca.Type == ColumnType.Numerical ? "double" : "string";
            if (ca.Numbers is not null)
                columns.Add(new ProfileColumn(ca.Name, kind, ca.Missing + cb.Missing, NumericSummary.Merge(ca.Numbers, cb.Numbers!, resolution), null));
            else
            {
                var cats = new SortedDictionary<string, long>(ca.Categories!.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
                foreach (var (k, n) in cb.Categories!) cats[k] = cats.GetValueOrDefault(k) + n;
                columns.Add(new ProfileColumn(ca.Name, kind, ca.Missing + cb.Missing, null, cats));
            }
        }
        return new ReferenceProfile(a.Sources.Concat(b.Sources).ToList(), a.Rows + b.Rows, resolution, columns, DateTime.UtcNow);
    }

    /// <summary>The profile's columns as a source's columns (for choosing what to compare).</summary>
    internal IReadOnlyList<SourceColumn> SourceColumns() =>
        Columns.Select(c => new SourceColumn(c.Name, c.Kind, KindOf(c.Kind))).ToList();

    /// <summary>The reference's counts for the compared columns, as <c>vigil drift</c> would have counted them from
    /// the data: exact single values, and each pooled bucket at its mean.</summary>
    internal (long Rows, DriftAnalysis.SideCounts[] Counts) Counts(IReadOnlyList<DriftAnalysis.Column> columns, string currentDescription)
    {
        var counts = new DriftAnalysis.SideCounts[columns.Count];
        for (var k = 0; k < columns.Count; k++)
        {
            var col = columns[k];
            var p = Columns.First(c => c.Name == col.Name);
            if (col.Type == ColumnType.Numerical)
            {
                var side = new DriftAnalysis.SideCounts { Missing = p.Missing, Summary = p.Numbers };
                var (values, n) = p.Numbers!.Points();
                for (var i = 0; i < values.Length; i++) side.Add(values[i], n[i]);
                counts[k] = side;
            }
            else if (p.Categories is null)
                throw new VigilInputException($"column '{col.Name}': {Description} holds numbers but {currentDescription} holds text; drift against a profile compares the types it was built with");
            else
            {
                var side = new DriftAnalysis.SideCounts { Missing = p.Missing };
                foreach (var (v, n) in p.Categories) side.Categories[v] = n;
                counts[k] = side;
            }
        }
        return (Rows, counts);
    }

    /// <summary>Writes the profile (gzip-compressed JSON) to a file, through a temporary file so that a failed write
    /// leaves nothing behind.</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        var tmp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp");
        try
        {
            using (var file = File.Create(tmp))
            using (var gz = new GZipStream(file, CompressionLevel.Optimal))
            using (var w = new Utf8JsonWriter(gz))
                Write(w);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }

    private void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("created", Created.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        w.WriteStartArray("sources");
        foreach (var s in Sources) w.WriteStringValue(s);
        w.WriteEndArray();
        w.WriteNumber("rows", Rows);
        w.WriteNumber("resolution", Resolution);
        w.WriteStartArray("columns");
        foreach (var c in Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("kind", c.Kind);
            w.WriteString("type", TypeName(c.Type));
            w.WriteNumber("missing", c.Missing);
            if (c.Numbers is { } s)
            {
                w.WriteNumber("count", s.Count);
                if (s.Count > 0)
                {
                    w.WriteNumber("mean", s.Mean);
                    // m2 in units of m2_scale² when the values are too large for a square (absent: scale 1).
                    w.WriteNumber("m2", s.ScaledM2);
                    if (s.MomentScale != 1) w.WriteNumber("m2_scale", s.MomentScale);
                }
                w.WriteBoolean("exact", s.IsExact);
                Numbers(w, "low", s.Lows);
                Numbers(w, "high", s.Highs);
                w.WriteStartArray("count_per_bucket");
                foreach (var n in s.Counts) w.WriteNumberValue(n);
                w.WriteEndArray();
                // A bucket of values near ±1.8e308 can sum past a double; its mean is then taken as its bound, and
                // the sum is stored as the largest finite double so that the file stays JSON.
                Numbers(w, "sum", [.. s.Sums.Select(x => double.IsNaN(x) ? 0 : Math.Clamp(x, -double.MaxValue, double.MaxValue))]);
            }
            else
            {
                w.WriteStartObject("categories");
                foreach (var (k, n) in c.Categories!) w.WriteNumber(k, n);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var x in values) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    /// <summary>Reads a profile; anything that is not a profile this version wrote is a one-line input error.</summary>
    public static ReferenceProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new VigilInputException($"{path}: no such profile");
        JsonDocument doc;
        try
        {
            using var file = File.OpenRead(path);
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            doc = JsonDocument.Parse(gz, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException)
        {
            throw new VigilInputException($"{path}: not a Vigil profile (expected gzip-compressed JSON written by `vigil profile`)");
        }
        using (doc)
        {
            try
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != FormatName)
                    throw new VigilInputException($"{path}: not a Vigil profile (no \"format\": \"{FormatName}\")");
                var version = root.GetProperty("version").GetInt32();
                if (version != FormatVersion)
                    throw new VigilInputException($"{path}: profile format version {version}; this vigil reads version {FormatVersion}");
                var sources = root.GetProperty("sources").EnumerateArray().Select(x => x.GetString() ?? "").ToList();
                var rows = root.GetProperty("rows").GetInt64();
                var resolution = root.GetProperty("resolution").GetInt32();
                var created = DateTime.Parse(root.GetProperty("created").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                var columns = new List<ProfileColumn>();
                var index = 0;
                foreach (var c in root.GetProperty("columns").EnumerateArray())
                {
                    var name = c.GetProperty("name").GetString() ?? throw new FormatException("a column has no name");
                    try
                    {
                        columns.Add(ReadColumn(c, name, rows));
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException or KeyNotFoundException or InvalidOperationException)
                    {
                        throw new VigilInputException($"{path}: column {index} ('{name}'): {e.Message}");
                    }
                    index++;
                }
                return new ReferenceProfile(sources, rows, resolution, columns, created) { Path = path };
            }
            catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidOperationException)
            {
                throw new VigilInputException($"{path}: not a valid Vigil profile ({e.Message})");
            }
        }
    }

    private static ProfileColumn ReadColumn(JsonElement c, string name, long rows)
    {
        var kind = c.GetProperty("kind").GetString() ?? throw new FormatException("no kind");
        KindOf(kind);
        var missing = c.GetProperty("missing").GetInt64();
        ProfileColumn column;
        if (c.GetProperty("type").GetString() == "numerical")
        {
            static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();
            var count = c.GetProperty("count").GetInt64();
            var summary = NumericSummary.FromParts(Doubles(c.GetProperty("low")), Doubles(c.GetProperty("high")),
                c.GetProperty("count_per_bucket").EnumerateArray().Select(x => x.GetInt64()).ToArray(), Doubles(c.GetProperty("sum")),
                count, count > 0 ? c.GetProperty("mean").GetDouble() : double.NaN, count > 0 ? c.GetProperty("m2").GetDouble() : 0,
                c.TryGetProperty("m2_scale", out var scale) ? scale.GetDouble() : 1);
            column = new ProfileColumn(name, kind, missing, summary, null);
        }
        else
        {
            var cats = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var p in c.GetProperty("categories").EnumerateObject())
            {
                var n = p.Value.GetInt64();
                if (n <= 0) throw new FormatException($"category '{p.Name}' has count {n}");
                cats[p.Name] = n;
            }
            column = new ProfileColumn(name, kind, missing, null, cats);
        }
        if (missing < 0 || missing + column.Values != rows)
            throw new FormatException($"{column.Values} values and {missing} missing do not add up to the profile's {rows} rows");
        return column;
    }

    private static string TypeName(ColumnType t) => t == ColumnType.Numerical ? "numerical" : "categorical";

    private static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Int64 => "int64",
        ColumnKind.Double => "double",
        ColumnKind.Boolean => "boolean",
        ColumnKind.Timestamp => "timestamp",
        _ => "string",
    };

    private static ColumnKind KindOf(string kind) => kind switch
    {
        "int64" => ColumnKind.Int64,
        "double" => ColumnKind.Double,
        "boolean" => ColumnKind.Boolean,
        "timestamp" => ColumnKind.Timestamp,
        "string" => ColumnKind.String,
        _ => throw new FormatException($"unknown kind '{kind}'"),
    };
}
