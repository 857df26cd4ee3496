namespace Vigil.Monitoring.Alerts;

/// <summary>A silence: while it is active (from <see cref="StartsAt"/> until <see cref="EndsAt"/>, unless expired
/// earlier by hand), the events of a model's alerts (of one monitor, or of all when <see cref="Monitor"/> is null) are
/// recorded but not sent.</summary>
public sealed record Silence
{
    public required int Id { get; init; }
    public required string Model { get; init; }
    public string? Monitor { get; init; }
    public required DateTime StartsAt { get; init; }
    public required DateTime EndsAt { get; init; }
    public required string Author { get; init; }
    public string Comment { get; init; } = "";
    public DateTime? ExpiredAt { get; init; }

    public bool IsActive(DateTime now) => ExpiredAt is null && StartsAt <= now && now < EndsAt;

    public bool Matches(Alert alert, DateTime now) =>
        IsActive(now) && alert.Model == Model && (Monitor is null || alert.Monitor == Monitor);
}

/// <summary>The silences, by id (numbered from 1, and on after a restart). Thread-safe; time is passed in; each change
/// is reported to <paramref name="changed"/>.</summary>
public sealed class Silences(AlertStateSnapshot? state = null, Action<AlertStateChange>? changed = null)
{
    private readonly Lock _gate = new();
    private readonly List<Silence> _all = [.. state?.Silences ?? []];
    private int _next = (state?.Silences.Select(s => s.Id).DefaultIfEmpty(0).Max() ?? 0) + 1;

    public IReadOnlyList<Silence> All
    {
        get
        {
            lock (_gate) return _all.ToList();
        }
    }

    public Silence Add(string model, string? monitor, DateTime startsAt, DateTime endsAt, string author, string? comment)
    {
        lock (_gate)
        {
            var s = new Silence { Id = _next++, Model = model, Monitor = monitor, StartsAt = startsAt, EndsAt = endsAt, Author = author, Comment = comment ?? "" };
            _all.Add(s);
            changed?.Invoke(new SilenceChanged(s));
            return s;
        }
    }

    /// <summary>Ends a silence now; null when there is no such silence (one already over is returned as it is).</summary>
    public Silence? Expire(int id, DateTime now)
    {
        lock (_gate)
        {
            var at = _all.FindIndex(s => s.Id == id);
            if (at < 0) return null;
            if (!_all[at].IsActive(now) && _all[at].StartsAt <= now) return _all[at];
            _all[at] = _all[at] with { ExpiredAt = now };
            changed?.Invoke(new SilenceChanged(_all[at]));
            return _all[at];
        }
    }

    /// <summary>The active silence that matches the alert (the first made), or null.</summary>
    public Silence? Matching(Alert alert, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        lock (_gate) return _all.FirstOrDefault(s => s.Matches(alert, now));
    }
}
