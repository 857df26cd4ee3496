using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;

namespace Vigil.Analysis.Summary;

/// <summary>Options of <c>vigil summary</c>.</summary>
public sealed record SummaryOptions
{
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>Period granularity (hour, day, week; weeks start on Monday).</summary>
    public PeriodUnit Period { get; init; } = PeriodUnit.Day;
    /// <summary>Timestamps after this instant are future_timestamp findings. Default: now (UTC).</summary>
    public DateTime? AsOf { get; init; }
    /// <summary>Binary: a row is predicted positive when score &gt;= Threshold.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>A period whose row count has a robust (modified) z-score beyond this is a volume_anomaly.</summary>
    public double VolumeZThreshold { get; init; } = 3.5;
    /// <summary>... and whose row count is at least this far from the median, relative to it (0.2 = 20%), so that a
    /// very steady log does not flag ordinary noise.</summary>
    public double VolumeMinRelativeChange { get; init; } = 0.2;
    /// <summary>Example ids listed per finding.</summary>
    public int Examples { get; init; } = 5;
    /// <summary>A feature whose null rate is at least this is a warning rather than information.</summary>
    public double NullRateWarning { get; init; } = 0.05;
    /// <summary>Binary: summarize in the engine (<see cref="BinarySummary"/>'s aggregate path), as on a server engine,
    /// even in process. For tests.</summary>
    internal bool InEngine { get; init; }
}
