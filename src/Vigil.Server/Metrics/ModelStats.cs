using Vigil.Statistics.Streaming;

namespace Vigil.Server.Metrics;

/// <summary>One online detector's state for /metrics and the model view.</summary>
internal sealed record DetectorState(string Name, string Watches, long Values, long Detections, DateTime? LastDetection);

/// <summary>
/// The streaming tier of one model, updated at ingest and read by /metrics: predictions accepted per version, records
/// with an error, and a latency histogram (Prometheus' cumulative buckets, in seconds). Thread-safe.
/// </summary>
internal sealed class ModelStats
{
    /// <summary>Latency bucket bounds in seconds (the last bucket, +Inf, is implicit).</summary>
    public static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _byVersion = new(StringComparer.Ordinal);
    private readonly long[] _buckets = new long[LatencyBuckets.Length + 1];
    private double _latencySum;
    private long _latencyCount;
    private long _errors;
    private long _labels;
    private readonly long[] _scores = new long[ScoreBuckets.Length + 1];
    // The streaming tier's online detectors (River's defaults): Page–Hinkley on the scores (or predictions) as they
    // arrive, ADWIN on whether each labeled prediction was right (binary) or on its absolute error (regression).
    private readonly PageHinkley _scoreDetector = new();
    private readonly Adwin _outcomeDetector = new();
    private DateTime? _scoreDetectedAt;
    private DateTime? _outcomeDetectedAt;

    /// <summary>Score histogram bounds (the last bucket, +Inf, is implicit).</summary>
    public static readonly double[] ScoreBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

    public void Accepted(IEnumerable<(string? Version, double? LatencyMs, bool? Error, double? Value)> records)
    {
        lock (_gate)
        {
            foreach (var (version, latency, error, value) in records)
            {
                if (value is { } x && double.IsFinite(x))
                {
                    var sb = Array.FindIndex(ScoreBuckets, bound => x <= bound);
                    _scores[sb < 0 ? ScoreBuckets.Length : sb]++;
                    if (_scoreDetector.Update(x)) _scoreDetectedAt = DateTime.UtcNow;
                }
                var v = version ?? "";
                _byVersion[v] = _byVersion.GetValueOrDefault(v) + 1;
                if (error == true) _errors++;
                if (latency is { } ms)
                {
                    var s = ms / 1000;
                    var b = Array.FindIndex(LatencyBuckets, bound => s <= bound);
                    _buckets[b < 0 ? LatencyBuckets.Length : b]++;
                    _latencySum += s;
                    _latencyCount++;
                }
            }
        }
    }

    /// <summary>Labels joined: each one's outcome (1 right / 0 wrong, or the absolute error) feeds ADWIN.</summary>
    public void LabelsJoined(IReadOnlyList<double> outcomes)
    {
        lock (_gate)
        {
            _labels += outcomes.Count;
            foreach (var o in outcomes)
                if (double.IsFinite(o) && _outcomeDetector.Update(o)) _outcomeDetectedAt = DateTime.UtcNow;
        }
    }

    public (long[] Buckets, DetectorState Scores, DetectorState Outcomes) Streaming(string outcome, string watched = "score mean")
    {
        lock (_gate)
        {
            return ((long[])_scores.Clone(),
                new DetectorState(_scoreDetector.Name, watched, _scoreDetector.Count, _scoreDetector.Detections, _scoreDetectedAt),
                new DetectorState(_outcomeDetector.Name, outcome, _outcomeDetector.Count, _outcomeDetector.Detections, _outcomeDetectedAt));
        }
    }

    public (IReadOnlyDictionary<string, long> ByVersion, long[] Buckets, double LatencySum, long LatencyCount, long Errors, long Labels) Snapshot()
    {
        lock (_gate) return (new Dictionary<string, long>(_byVersion), (long[])_buckets.Clone(), _latencySum, _latencyCount, _errors, _labels);
    }
}
