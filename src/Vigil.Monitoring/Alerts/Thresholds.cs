using System.Globalization;
using Vigil.Monitoring.Config;

namespace Vigil.Monitoring.Alerts;

/// <summary>
/// Whether a monitor's value breaches its threshold: below <c>min</c>, above <c>max</c>, or (rolling) outside the
/// mean ± σ·sd of the values the monitor took over the rolling period before this one (population standard deviation;
/// at least <see cref="MinHistory"/> earlier values, else no verdict). Keeps each monitor's history.
/// </summary>
public sealed class Thresholds
{
    /// <summary>Earlier values a rolling threshold needs before it judges.</summary>
    public const int MinHistory = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), List<(DateTime At, double Value)>> _history = new();

    /// <summary>The verdict (null: cannot judge yet) and the condition in words.</summary>
    public (bool? Breached, string Condition) Judge(string model, MonitorConfig monitor, double value, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        bool? breached = null;
        var parts = new List<string>();
        if (monitor.Min is { } min)
        {
            breached = value < min;
            parts.Add($"min {F(min)}");
        }
        if (monitor.Max is { } max)
        {
            breached = (breached ?? false) || value > max;
            parts.Add($"max {F(max)}");
        }
        if (monitor.Rolling is { } period)
        {
            lock (_gate)
            {
                if (!_history.TryGetValue((model, monitor.Name), out var list)) _history[(model, monitor.Name)] = list = [];
                list.RemoveAll(p => p.At < now - period);
                if (list.Count >= MinHistory)
                {
                    var mean = list.Average(p => p.Value);
                    var sd = Math.Sqrt(list.Sum(p => (p.Value - mean) * (p.Value - mean)) / list.Count);
                    var (lo, hi) = (mean - monitor.Sigma * sd, mean + monitor.Sigma * sd);
                    breached = (breached ?? false) || value < lo || value > hi;
                    parts.Add($"mean ± {F(monitor.Sigma)}σ of the last {period}: [{F(lo)}, {F(hi)}]");
                }
                else parts.Add($"mean ± {F(monitor.Sigma)}σ of the last {period} (learning: {list.Count} of {MinHistory} values)");
                list.Add((now, value));
            }
        }
        return (breached, string.Join("; ", parts));
    }

    private static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
