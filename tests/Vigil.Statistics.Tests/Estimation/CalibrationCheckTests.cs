using Vigil.Statistics.Estimation;
using static Vigil.Statistics.Tests.Estimation.EstimationFixture;

namespace Vigil.Statistics.Tests.Estimation;

public sealed class CalibrationCheckTests
{
    public static TheoryData<string> EceCases => Names("ece.json");
    public static TheoryData<string> DecideCases => Names("decide.json");

    [Theory]
    [MemberData(nameof(EceCases))]
    public void ExpectedCalibrationError_MatchesReference(string name)
    {
        var c = Case("ece.json", name);
        var ece = CalibrationCheck.ExpectedCalibrationError(Groups(c.GetProperty("groups")), Calibrator(c.GetProperty("fit")),
            c.GetProperty("bins").GetInt32());
        Close(Number(c, "ece"), ece, name);
        if (!c.GetProperty("ties_cut").GetBoolean())
        {
            // no bin edge inside a tie: NannyML's row-level computation is order-free and must agree
            Close(Number(c, "nannyml_rows"), ece, name + " (NannyML on rows)");
        }
    }

    [Theory]
    [MemberData(nameof(DecideCases))]
    public void Decide_MatchesReference(string name)
    {
        var c = Case("decide.json", name);
        var folds = c.GetProperty("folds").EnumerateArray().Select(Groups).ToList();
        var d = CalibrationCheck.Decide(folds, c.GetProperty("bins").GetInt32());
        Assert.Equal(c.GetProperty("calibrate").GetBoolean(), d.Calibrate);
        Close(Number(c, "ece_before"), d.EceBefore, name + " before");
        Close(Number(c, "ece_after"), d.EceAfter, name + " after");
        Assert.Equal(folds.Count, d.Folds);
        Assert.Equal(c.GetProperty("skip").GetString(), d.SkipReason);
    }

    [Theory]
    [InlineData("helps_5_folds")]
    [InlineData("calibrated_5_folds")]
    [InlineData("continuous_3_folds")]
    [InlineData("all_negative_3_folds")]
    [InlineData("separated_3_folds")]
    public void Decide_AgreesWithNannyMlsRandomSplits(string name)
    {
        var c = Case("decide.json", name);
        var folds = c.GetProperty("folds").EnumerateArray().Select(Groups).ToList();
        Assert.Equal(c.GetProperty("nannyml_needs_calibration").GetBoolean(), CalibrationCheck.Decide(folds).Calibrate);
    }

    [Fact]
    public void ExpectedCalibrationError_FewerThanFourRows_IsNaN()
    {
        Assert.True(double.IsNaN(CalibrationCheck.ExpectedCalibrationError(new([0.2, 0.6], [0, 1], [1, 2]), IsotonicCalibrator.Identity)));
        Assert.True(double.IsNaN(CalibrationCheck.ExpectedCalibrationError(new([], [], []), IsotonicCalibrator.Identity)));
    }

    [Fact]
    public void ExpectedCalibrationError_TieCutByBinEdge_SharesPositives()
    {
        // 4 rows at 0.2 (1 positive) and 4 at 0.8 (4 positive); 8 rows, 4 bins of 2 rows each
        var ece = CalibrationCheck.ExpectedCalibrationError(new([0.2, 0.8], [1, 4], [4, 4]), IsotonicCalibrator.Identity, 4);
        // bins at 0.2 each hold half a positive: |0.2 - 0.25|; bins at 0.8: |0.8 - 1|
        Assert.Equal(0.5 * 0.05 + 0.5 * 0.2, ece, 15);
    }

    [Fact]
    public void ExpectedCalibrationError_HugeCounts_SameAsScaledDown()
    {
        var small = new ScoreGroups([0.1, 0.4, 0.6, 0.9], [1, 3, 7, 18], [10, 10, 10, 20]);
        var huge = new ScoreGroups(small.Scores, [.. small.Positives.Select(v => v * 1e9)], [.. small.Rows.Select(v => v * 1e9)]);
        Close(CalibrationCheck.ExpectedCalibrationError(small, IsotonicCalibrator.Identity, 5),
            CalibrationCheck.ExpectedCalibrationError(huge, IsotonicCalibrator.Identity, 5), "scaled");
    }

    [Fact]
    public void Decide_BadFolds_Throw()
    {
        var fold = new ScoreGroups([0.2, 0.7], [1, 1], [2, 2]);   // AUC 0.5: no shortcut
        Assert.Throws<ArgumentException>(() => CalibrationCheck.Decide([fold]));
        Assert.Throws<ArgumentException>(() => CalibrationCheck.Decide([fold, new ScoreGroups([], [], [])]));
        Assert.Throws<ArgumentException>(() => CalibrationCheck.Decide([fold, new ScoreGroups([double.NaN], [0], [1])]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationCheck.Decide([fold, fold], bins: 0));
    }
}
