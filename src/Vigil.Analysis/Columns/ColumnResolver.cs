using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Columns;

/// <summary>The columns of a source with their roles resolved and checked.</summary>
internal sealed record ResolvedColumns(
    ColumnRoles Roles,
    SourceColumn? Id,
    SourceColumn? Timestamp,
    SourceColumn? Version,
    SourceColumn? Score,
    SourceColumn? Label,
    SourceColumn? Prediction,
    IReadOnlyList<SourceColumn> Features,
    IReadOnlyList<SourceColumn> All);

/// <summary>Matches the user's mapping (flags, vigil.yaml, defaults) to the source's columns. A column the user named
/// must exist; a default name is used only when present. Whatever plays no role is a feature.</summary>
internal static class ColumnResolver
{
    public static ResolvedColumns Resolve(IReadOnlyList<SourceColumn> columns, MappingOptions mapping, ColumnNeeds needs, string sourceName)
    {
        var byName = new Dictionary<string, SourceColumn>(StringComparer.Ordinal);
        foreach (var c in columns) byName.TryAdd(c.Name, c);

        SourceColumn? Pick(string? given, string defaultName, string flag)
        {
            if (given is not null)
            {
                if (given.Length == 0) return null;
                if (byName.TryGetValue(given, out var col)) return col;
                var ci = columns.FirstOrDefault(c => string.Equals(c.Name, given, StringComparison.OrdinalIgnoreCase));
                var hint = ci is not null ? $" (did you mean '{ci.Name}'?)" : $"; columns are: {Names(columns)}";
                throw new VigilInputException($"{sourceName}: column '{given}' given by {flag} not found{hint}");
            }
            return byName.TryGetValue(defaultName, out var d) ? d : null;
        }

        // A column named plainly "id" is the id when there is no prediction_id and no --id (it is never a feature).
        var id = Pick(mapping.Id, MappingOptions.DefaultId, "--id")
            ?? (mapping.Id is null && byName.TryGetValue(MappingOptions.FallbackId, out var plainId) ? plainId : null);
        var ts = Pick(mapping.Timestamp, MappingOptions.DefaultTimestamp, "--timestamp");
        var version = Pick(mapping.Version, MappingOptions.DefaultVersion, "--version-column");
        var score = Pick(mapping.Score, MappingOptions.DefaultScore, "--score");
        var label = Pick(mapping.Label, MappingOptions.DefaultLabel, "--label");
        var prediction = Pick(mapping.Prediction, MappingOptions.DefaultPrediction, "--prediction");

        // A column plays one role: the same column as, say, score and label would make every metric meaningless.
        var picked = new (SourceColumn? Column, string Flag)[] { (id, "--id"), (ts, "--timestamp"), (version, "--version-column"), (score, "--score"), (label, "--label"), (prediction, "--prediction") };
        for (int i = 0; i < picked.Length; i++)
            for (int j = i + 1; j < picked.Length; j++)
                if (picked[i].Column is { } a && picked[j].Column is { } b && a.Name == b.Name)
                    throw new VigilInputException($"{sourceName}: column '{a.Name}' is both {picked[i].Flag} and {picked[j].Flag}; a column plays one role");

        if (needs.HasFlag(ColumnNeeds.Label) && label is null)
            throw new VigilInputException($"{sourceName}: no label column: expected '{MappingOptions.DefaultLabel}' or one named by --label; columns are: {Names(columns)}");
        if (needs.HasFlag(ColumnNeeds.ScoreOrPrediction) && score is null && prediction is null)
            throw new VigilInputException($"{sourceName}: no score or prediction column: expected '{MappingOptions.DefaultScore}' (or --score) or '{MappingOptions.DefaultPrediction}' (or --prediction); columns are: {Names(columns)}");
        if (needs.HasFlag(ColumnNeeds.Timestamp) && ts is null)
            throw new VigilInputException($"{sourceName}: no timestamp column: expected '{MappingOptions.DefaultTimestamp}' or one named by --timestamp; columns are: {Names(columns)}");

        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in new[] { id, ts, version, score, label, prediction })
            if (c is not null) roles.Add(c.Name);

        List<SourceColumn> features;
        if (mapping.Features is { } named)
        {
            features = [];
            foreach (var f in named)
            {
                if (!byName.TryGetValue(f, out var col))
                    throw new VigilInputException($"{sourceName}: feature column '{f}' given by --features not found; columns are: {Names(columns)}");
                if (!roles.Contains(f)) features.Add(col);
            }
        }
        else
        {
            features = columns.Where(c => !roles.Contains(c.Name)).ToList();
        }

        var rolesRecord = new ColumnRoles
        {
            Id = id?.Name,
            Timestamp = ts?.Name,
            Version = version?.Name,
            Score = score?.Name,
            Label = label?.Name,
            Prediction = prediction?.Name,
            Features = features.Select(f => f.Name).ToArray(),
        };
        return new ResolvedColumns(rolesRecord, id, ts, version, score, label, prediction, features, columns);
    }

    private static string Names(IReadOnlyList<SourceColumn> columns)
    {
        const int max = 20;
        var names = string.Join(", ", columns.Take(max).Select(c => c.Name));
        return columns.Count > max ? names + $", … ({columns.Count} in all)" : names;
    }
}
