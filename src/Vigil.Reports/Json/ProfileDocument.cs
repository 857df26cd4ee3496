using System.Text.Json.Serialization;
using Vigil.Analysis.Drift;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Json;

/// <summary>What <c>vigil profile</c> and <c>vigil profile show --format json</c> write about a profile
/// (docs/json-schema.md, <c>"kind": "profile"</c>). A <see cref="ReferenceProfile"/> is not a result record but the
/// stored statistics themselves (every bucket and category), so its JSON is this view of it, mapped 1:1.</summary>
internal sealed record ProfileDocument(string? Path, IReadOnlyList<string> Sources, long Rows, int Resolution, DateTime Created,
    IReadOnlyList<ProfileColumnDocument> Columns)
{
    public static ProfileDocument From(ReferenceProfile p) =>
        new(p.Path, p.Sources, p.Rows, p.Resolution, p.Created, [.. p.Columns.Select(ProfileColumnDocument.From)]);
}

/// <summary>One column of a profile: for numbers the buckets, the bounds of pooling and the exact moments and range
/// (null when the column has no values); for categories how many there are.</summary>
internal sealed record ProfileColumnDocument
{
    public required string Name { get; init; }
    public required ColumnType Type { get; init; }
    public required string Kind { get; init; }
    public required long Missing { get; init; }
    public required long Values { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Buckets { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? PooledBuckets { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Categories { get; init; }
    public required bool Exact { get; init; }
    // Numbers only. NaN (written as null) where a numerical column has no values, so that the key is still there.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? CdfError { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? WassersteinError { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Mean { get; init; }
    /// <summary>The population standard deviation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Std { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Min { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? Max { get; init; }

    public static ProfileColumnDocument From(ProfileColumn c)
    {
        var d = new ProfileColumnDocument { Name = c.Name, Type = c.Type, Kind = c.Kind, Missing = c.Missing, Values = c.Values, Exact = c.Numbers?.IsExact ?? true };
        if (c.Numbers is not { } s) return d with { Categories = c.Categories!.Count };
        var empty = s.Count == 0;
        return d with
        {
            Buckets = s.Counts.Length,
            PooledBuckets = s.PooledBuckets,
            CdfError = s.CdfError,
            WassersteinError = s.WassersteinError,
            Mean = empty ? double.NaN : s.Mean,
            Std = empty ? double.NaN : s.StandardDeviation,
            Min = empty ? double.NaN : s.Min,
            Max = empty ? double.NaN : s.Max,
        };
    }
}
