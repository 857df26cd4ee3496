using Vigil.Analysis.Demo;
using Vigil.Analysis.Results;
using Vigil.Analysis.Summary;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Summary;

/// <summary>The summary on a generated fraud log: every injected problem is found with its exact row count.</summary>
public sealed class SummaryAnalysisTests : IClassFixture<SummaryAnalysisTests.GeneratedLog>
{
    public sealed class GeneratedLog : IDisposable
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("vigil-summary-").FullName;
        public string Csv => Path.Combine(Dir, "log.csv");
        internal FraudLogOptions Options { get; } = new() { Rows = 30_000, Seed = 3 };
        internal InjectedProblems Injected { get; }
        internal SummaryResult Result { get; }

        public GeneratedLog()
        {
            Injected = FraudLogGenerator.WriteCsv(Csv, Options);
            using var source = SourceOpener.Open(new SourceSpec { Inputs = [Csv] });
            Result = SummaryAnalysis.Run(source, new SummaryOptions { AsOf = Options.Start.AddDays(Options.Days + 1) });
        }

        public void Dispose() => Directory.Delete(Dir, true);
    }

    private readonly GeneratedLog _log;

    public SummaryAnalysisTests(GeneratedLog log) => _log = log;

    private QualityIssue Issue(string check) => Assert.Single(_log.Result.Quality.Issues, i => i.Check == check);

    [Fact]
    public void InjectedRowProblems_AreFoundWithExactCounts()
    {
        var inj = _log.Injected;
        Assert.Equal(inj.DuplicateIds, Issue("duplicate_id").Rows);
        Assert.Equal(inj.NullScores, Issue("null_score").Rows);
        Assert.Equal(inj.ScoresOutOfRange, Issue("score_out_of_range").Rows);
        Assert.Equal(inj.MissingLabels, Issue("missing_label").Rows);
        Assert.Equal(inj.InvalidLabels, Issue("invalid_label").Rows);
        Assert.Equal(inj.FutureTimestamps, Issue("future_timestamp").Rows);
        Assert.Equal(inj.UnparseableTimestamps, Issue("unparseable_timestamp").Rows);
        Assert.Equal(Severity.Info, Issue("missing_label").Severity);
        Assert.Equal(Severity.Error, Issue("null_score").Severity);
    }

    [Fact]
    public void ExcludedRows_AreTheDisjointSumOfExcludingChecks()
    {
        var inj = _log.Injected;
        var expected = inj.DuplicateIds + inj.NullScores + inj.ScoresOutOfRange + inj.InvalidLabels + inj.FutureTimestamps + inj.UnparseableTimestamps;
        Assert.Equal(expected, _log.Result.ExcludedRows);
        Assert.Equal(_log.Result.TotalRows - expected, _log.Result.Periods.Sum(p => p.Rows));
        Assert.Equal(_log.Result.TotalRows - expected, _log.Result.Overall.Sum(p => p.Rows));
    }

    [Fact]
    public void MissingDay_IsNamedByItsDate()
    {
        var missing = Issue("missing_period");
        Assert.Equal(_log.Injected.MissingDay, missing.Period);
        Assert.Contains(_log.Injected.MissingDay.ToString("yyyy-MM-dd"), missing.Message);
        Assert.DoesNotContain(_log.Result.Periods, p => p.Start == _log.Injected.MissingDay);
    }

    [Fact]
    public void VolumeSpike_IsTheOnlyVolumeAnomaly()
    {
        var spike = Issue("volume_anomaly");
        Assert.Equal(_log.Injected.VolumeSpikeDay, spike.Period);
        Assert.Equal(_log.Injected.VolumeSpikeRows, spike.Rows);
        // Said for people: how many times the median day, not a robust z-score.
        Assert.Matches(@": \d+(\.\d)?× the median day \([\d,]+ rows\)$", spike.Message);
        Assert.DoesNotContain("robust z", spike.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConstantColumnAndFeatureNulls_AreFound()
    {
        Assert.Contains(_log.Result.Quality.Issues, i => i.Check == "constant_column" && i.Column == _log.Injected.ConstantColumn);
        foreach (var (column, count) in _log.Injected.FeatureNulls)
            Assert.Equal(count, Assert.Single(_log.Result.Quality.Issues, i => i.Check == "null_values" && i.Column == column).Rows);
    }

    [Fact]
    public void Examples_AreIdsOfAffectedRows()
    {
        var dup = Issue("duplicate_id");
        Assert.InRange(dup.Examples.Count, 1, 5);
        Assert.All(dup.Examples, e => Assert.StartsWith("p", e));
    }

    [Fact]
    public void Periods_CoverBothVersionsAndSumLabeledRows()
    {
        var r = _log.Result;
        Assert.Equal(new[] { "v1", "v2" }, r.Overall.Select(o => o.ModelVersion).ToArray());
        Assert.All(r.Periods, p => Assert.True(p.Labeled <= p.Rows));
        Assert.Equal(r.Overall.Sum(o => o.Labeled), r.Periods.Sum(p => p.Labeled));
        // v2 appears only from its launch day.
        Assert.All(r.Periods.Where(p => p.ModelVersion == "v2"), p => Assert.True(p.Start >= _log.Injected.V2Start.Date));
    }

    [Fact]
    public void ScheduledLabels_MissingOnTheLastDays_AreInformationalOnly()
    {
        var last = _log.Result.Periods.Where(p => p.Start == _log.Result.Periods.Max(q => q.Start)).ToList();
        Assert.All(last, p => Assert.True(p.Labeled < p.Rows));
    }
}
