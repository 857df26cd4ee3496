using System.Diagnostics;
using Vigil.Analysis;
using Vigil.Engine;
using Vigil.Engine.DuckDb;

namespace Vigil.Cli;

/// <summary>A progress line on standard error for work that takes longer than a second: the current stage and the
/// engine's own progress within it. Shown only when standard error is a terminal, so JSON on standard output and
/// logs in CI stay clean.</summary>
internal sealed class ConsoleProgress : IAnalysisProgress, IDisposable
{
    private static readonly string[] Spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private readonly Func<double>? _engineProgress;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly Lock _gate = new();
    private string _stage = "Starting";
    private int _tick;
    private int _lastWidth;
    private bool _disposed;

    /// <summary>The stage last named to any progress display of this process (shown or not), or null: what the analysis
    /// was doing when an error stopped it, for messages that can use it (<see cref="ShippedRowLimit.AtStep"/>).</summary>
    public static string? LastStage => Volatile.Read(ref _lastStage);

    private static string? _lastStage;

    public ConsoleProgress(bool enabled, Func<double>? engineProgress = null)
    {
        Volatile.Write(ref _lastStage, null);
        _engineProgress = engineProgress;
        if (enabled && !Console.IsErrorRedirected)
            _timer = new Timer(_ => Render(), null, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(120));
    }

    private static readonly bool Timing = Environment.GetEnvironmentVariable("VIGIL_TIMING") == "1";
    private TimeSpan _stageStart;

    public void Stage(string description)
    {
        lock (_gate)
        {
            if (Timing) Console.Error.WriteLine($"[timing] {_stage}: {(_clock.Elapsed - _stageStart).TotalSeconds:0.000} s");
            _stageStart = _clock.Elapsed;
            _stage = description;
            Volatile.Write(ref _lastStage, description);
        }
    }

    private void Render()
    {
        lock (_gate)
        {
            if (_disposed) return;
            double p = -1;
            try { p = _engineProgress?.Invoke() ?? -1; } catch (DuckDbException) { }
            var pct = p is >= 0 and <= 1 ? $" {p * 100,3:0}%" : "";
            var line = $"{Spinner[_tick++ % Spinner.Length]} {_stage}{pct}  {_clock.Elapsed.TotalSeconds:0}s";
            var pad = Math.Max(0, _lastWidth - line.Length);
            Console.Error.Write("\r" + line + new string(' ', pad));
            _lastWidth = line.Length;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (Timing) Console.Error.WriteLine($"[timing] {_stage}: {(_clock.Elapsed - _stageStart).TotalSeconds:0.000} s");
            _timer?.Dispose();
            if (_lastWidth > 0) Console.Error.Write("\r" + new string(' ', _lastWidth) + "\r");
        }
    }
}
