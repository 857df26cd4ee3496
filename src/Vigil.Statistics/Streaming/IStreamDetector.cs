namespace Vigil.Statistics.Streaming;

/// <summary>
/// A univariate streaming change detector, fed one value at a time (River's <c>river.base.DriftDetector</c> shape,
/// see docs/streaming-detectors.md). <see cref="DriftDetected"/> is true right after the update that detected a
/// change and the detector restarts from scratch on the next <see cref="Update"/>, exactly as River's detectors do.
/// Instances are not thread-safe.
/// </summary>
public interface IStreamDetector
{
    /// <summary>River's class name ("ADWIN", "DDM", "EDDM", "KSWIN", "PageHinkley").</summary>
    string Name { get; }

    /// <summary>Adds one value and returns <see cref="DriftDetected"/>. Non-finite values are rejected.</summary>
    bool Update(double x);

    /// <summary>Whether the last update detected a change.</summary>
    bool DriftDetected { get; }

    /// <summary>Whether the detector is in its warning zone (DDM and EDDM; always false for the others).</summary>
    bool WarningDetected { get; }

    /// <summary>Values fed since construction or the last <see cref="Reset"/> (not cleared by a detection).</summary>
    long Count { get; }

    /// <summary>Number of drifts signalled since construction or the last <see cref="Reset"/>.</summary>
    long Detections { get; }

    /// <summary>Forgets everything, as a freshly constructed detector with the same parameters.</summary>
    void Reset();
}

/// <summary>The state every detector shares: the flags of the last update, the counts, and <see cref="Reset"/>.</summary>
public abstract class StreamDetector : IStreamDetector
{
    public abstract string Name { get; }

    public bool DriftDetected { get; protected set; }

    public bool WarningDetected { get; protected set; }

    public long Count { get; protected set; }

    public long Detections { get; protected set; }

    public abstract bool Update(double x);

    public void Reset()
    {
        ResetStatistics();
        Count = 0;
        Detections = 0;
    }

    /// <summary>Starts the statistics afresh (after a detection too), keeping the counts.</summary>
    protected abstract void ResetStatistics();
}

/// <summary>Input checks shared by the detectors.</summary>
internal static class StreamInput
{
    public static void Finite(double x)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Stream values must be finite.");
        }
    }

    /// <summary>DDM and EDDM watch a stream of bits: 1 = error/failure, 0 = correct.</summary>
    public static bool Bit(double x)
    {
        if (x == 1.0)
        {
            return true;
        }
        if (x == 0.0)
        {
            return false;
        }
        throw new ArgumentOutOfRangeException(nameof(x), x, "DDM and EDDM take 0 (correct) or 1 (error).");
    }
}
