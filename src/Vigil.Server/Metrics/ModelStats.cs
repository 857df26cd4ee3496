namespace Vigil.Server.Metrics;

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

    public void Accepted(IEnumerable<(string? Version, double? LatencyMs, bool? Error)> records)
    {
        lock (_gate)
        {
            foreach (var (version, latency, error) in records)
            {
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

    public void LabelsJoined(long n)
    {
        lock (_gate) _labels += n;
    }

    public (IReadOnlyDictionary<string, long> ByVersion, long[] Buckets, double LatencySum, long LatencyCount, long Errors, long Labels) Snapshot()
    {
        lock (_gate) return (new Dictionary<string, long>(_byVersion), (long[])_buckets.Clone(), _latencySum, _latencyCount, _errors, _labels);
    }
}
