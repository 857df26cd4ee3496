using Vigil.Analysis.Results;
using Vigil.Engine;

namespace Vigil.Analysis.Explanation;

/// <summary>One or two sides (a whole log, or two versions of it) read and explained with the same features: a column
/// left out on one side (constant there, say) is left out on both, so the impacts compare.</summary>
internal static class SurrogateSides
{
    public sealed record Side(SurrogateSample Sample, SurrogateFit Fit);

    public static (Side[] Sides, IReadOnlyList<ExcludedColumn> Excluded) Fit(IReadOnlyList<SampleRequest> requests, int shapRows, int seed,
        int segmentShapRows = 0, Action<string>? stage = null)
    {
        var samples = new List<SurrogateSample>();
        foreach (var r in requests)
        {
            stage?.Invoke(r.FilterName is null ? "Counting rows" : $"Counting rows of {r.FilterName}");
            samples.Add(SurrogateSample.Read(r, stage));
        }
        var excluded = new List<ExcludedColumn>();
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
            foreach (var (c, why) in samples[i].Reasons)
                if (!reasons.ContainsKey(c)) reasons[c] = samples.Count > 1 && requests[i].FilterName is { } side ? $"{why} ({side})" : why;
        var first = requests[0];
        foreach (var f in first.Cols.Features)
        {
            if (first.Skip.Contains(f.Name)) excluded.Add(new ExcludedColumn(f.Name, "names the sides compared"));
            else if (reasons.TryGetValue(f.Name, out var why)) excluded.Add(new ExcludedColumn(f.Name, why));
        }
        var features = samples[0].Columns.Select(c => c.Name).Where(n => !reasons.ContainsKey(n)).ToList();
        if (features.Count == 0)
        {
            var src = first.Source.Description;
            var roles = first.Cols.Roles;
            var roleText = string.Join(", ", new[] { ("id", roles.Id), ("timestamp", roles.Timestamp), ("version", roles.Version), ("score", roles.Score), ("label", roles.Label), ("prediction", roles.Prediction) }
                .Where(p => p.Item2 is not null).Select(p => $"{p.Item2} ({p.Item1})"));
            if (excluded.Count == 0)
                throw new VigilInputException($"{src}: no features to explain: every column plays another role ({roleText}); name feature columns with --features");
            throw new VigilInputException($"{src}: no features to explain: considered {string.Join("; ", excluded.Select(e => $"{e.Column}: {e.Reason}"))}" +
                                          (roleText.Length > 0 ? $" (not considered, as roles: {roleText})" : ""));
        }
        var sides = new Side[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            stage?.Invoke(requests[i].FilterName is null ? "Fitting the surrogate" : $"Fitting the surrogate of {requests[i].FilterName}");
            sides[i] = new Side(samples[i], SurrogateExplainer.Fit(samples[i], features, shapRows, requests[i].Seed, segmentShapRows, stage));
        }
        return (sides, excluded);
    }
}
