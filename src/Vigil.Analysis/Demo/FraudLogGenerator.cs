using System.Globalization;
using System.Text;

namespace Vigil.Analysis.Demo;

/// <summary>Options of the synthetic fraud prediction log.</summary>
internal sealed record FraudLogOptions
{
    /// <summary>Data lines written (header excluded), duplicate copies included.</summary>
    public long Rows { get; init; } = 200_000;
    /// <summary>Seed of the generator: the same options give the same bytes.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>First day (UTC midnight) of the log.</summary>
    public DateTime Start { get; init; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    /// <summary>Days covered, at least 10.</summary>
    public int Days { get; init; } = 30;
    /// <summary>Inject the data-quality problems (duplicates, null and invalid values, a missing day, a volume spike).</summary>
    public bool InjectProblems { get; init; } = true;
}

/// <summary>What the generator wrote, with exact counts of every injected problem.
/// The problem row sets (duplicates, null scores, out-of-range scores, missing labels, invalid labels,
/// future timestamps, unparseable timestamps) are disjoint, and no duplicated row carries any of them.
/// Feature nulls are per-column counts of written lines (duplicate copies included) and may overlap the others.</summary>
/// <param name="DuplicateIds">Extra copies of earlier rows (same id, same content), written later in the file.</param>
/// <param name="NullScores">Lines with an empty prediction_score.</param>
/// <param name="ScoresOutOfRange">Lines whose score lies outside [0, 1].</param>
/// <param name="MissingLabels">Lines with an empty actual_label (mostly in the last two days).</param>
/// <param name="InvalidLabels">Lines whose label is 2 or -1.</param>
/// <param name="FutureTimestamps">Lines whose timestamp is in the year 2099.</param>
/// <param name="UnparseableTimestamps">Lines whose timestamp is "not-a-date" or "2026-13-45 99:00:00".</param>
/// <param name="MissingDay">The day (UTC midnight) with no lines at all; default(DateTime) when problems are not injected.</param>
/// <param name="VolumeSpikeDay">The day (UTC midnight) with about four times the normal volume; default(DateTime) when problems are not injected.</param>
/// <param name="VolumeSpikeRows">Lines whose written timestamp falls on VolumeSpikeDay, counting duplicate copies and rows with
/// other problems; rows whose timestamp was replaced by a 2099 or unparseable value are not on that day and not counted.</param>
/// <param name="ConstantColumn">The column with one value on every line ("channel").</param>
/// <param name="FeatureNulls">Lines with an empty value, per feature column ("amount", "device_type").</param>
/// <param name="DriftStart">From this instant the amount distribution shifts up and electronics fraud rises (data + concept drift).</param>
/// <param name="V2Start">From this instant model v2 serves half of the traffic (before it, only v1).</param>
internal sealed record InjectedProblems(
    long DuplicateIds,
    long NullScores,
    long ScoresOutOfRange,
    long MissingLabels,
    long InvalidLabels,
    long FutureTimestamps,
    long UnparseableTimestamps,
    DateTime MissingDay,
    DateTime VolumeSpikeDay,
    long VolumeSpikeRows,
    string ConstantColumn,
    IReadOnlyDictionary<string, long> FeatureNulls,
    DateTime DriftStart,
    DateTime V2Start);

/// <summary>Writes a realistic, deterministic fraud-model prediction log with known injected problems.
/// Columns: prediction_id, model_version, prediction_score, timestamp, actual_label, amount, merchant_category,
/// country, account_age_days, device_type, channel.</summary>
internal static class FraudLogGenerator
{
    internal const string Header = "prediction_id,model_version,prediction_score,timestamp,actual_label,amount,merchant_category,country,account_age_days,device_type,channel";

    internal static readonly string[] Categories =
        ["grocery", "restaurants", "gas_station", "online_retail", "electronics", "travel",
         "entertainment", "health", "utilities", "clothing", "jewelry", "gaming"];
    private static readonly double[] CategoryWeights = [18, 14, 10, 16, 7, 5, 6, 6, 6, 7, 2, 3];
    private static readonly double[] CategoryFraud = [-0.6, -0.4, -0.2, 0.4, 0.5, 0.6, 0.0, -0.5, -0.8, 0.1, 1.0, 0.9];
    private static readonly double[] CategoryAmount = [-0.3, -0.2, -0.1, 0.2, 0.9, 1.1, 0.0, 0.1, 0.3, 0.2, 1.3, -0.2];
    /// <summary>The category whose fraud relationship changes at DriftStart.</summary>
    internal const int DriftCategory = 4; // electronics

    internal static readonly string[] Countries = ["US", "GB", "DE", "FR", "CA", "ES", "IT", "NL", "BR", "NG"];
    private static readonly double[] CountryWeights = [40, 10, 8, 7, 8, 5, 4, 4, 7, 7];
    private static readonly double[] CountryFraud = [-0.2, 0.0, -0.1, 0.0, -0.1, 0.1, 0.1, -0.1, 0.7, 1.0];

    internal static readonly string[] Devices = ["mobile", "desktop", "tablet"];
    private static readonly double[] DeviceWeights = [55, 38, 7];
    private static readonly double[] DeviceFraud = [0.2, -0.2, 0.0];

    /// <summary>Relative traffic per hour of day (UTC): quiet at night, peaks at lunch and in the evening.</summary>
    private static readonly double[] HourWeights =
        [1.6, 1.0, 0.7, 0.5, 0.5, 0.7, 1.3, 2.4, 3.6, 4.3, 4.6, 4.9, 5.4, 5.2, 4.8, 4.7, 4.8, 5.1, 5.6, 6.0, 5.9, 5.0, 3.8, 2.6];

    private const double Intercept = -4.8;
    private const double AmountMu = 3.7;
    private const double AmountSigma = 1.0;
    private const double DriftAmountShift = 0.45;
    private const double DriftCategoryFraud = 1.6;

    private const byte KindNone = 0, KindDuplicateSource = 1, KindNullScore = 2, KindOutOfRange = 3, KindMissingLabel = 4,
        KindInvalidLabel = 5, KindFuture = 6, KindUnparseable = 7;
    private const byte NullAmount = 1, NullDevice = 2;

    /// <summary>Writes the log to <paramref name="path"/> (overwriting it) and returns exact counts of what was injected.</summary>
    public static InjectedProblems WriteCsv(string path, FraudLogOptions o, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(o);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        return Write(stream, o, progress);
    }

    /// <summary>Writes the log as UTF-8 (no BOM, '\n' line ends) to <paramref name="output"/>.</summary>
    public static InjectedProblems Write(Stream output, FraudLogOptions o, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(o);
        if (o.Days < 10) throw new ArgumentOutOfRangeException(nameof(o), o.Days, "Days must be at least 10.");
        if (o.Rows < 40L * o.Days) throw new ArgumentOutOfRangeException(nameof(o), o.Rows, $"Rows must be at least {40L * o.Days} for {o.Days} days.");
        if (o.Rows > 9_000_000_000) throw new ArgumentOutOfRangeException(nameof(o), o.Rows, "Rows must be below 9e9 (ten-digit ids).");
        if (o.Start.Kind == DateTimeKind.Local || o.Start.TimeOfDay != TimeSpan.Zero)
            throw new ArgumentException("Start must be a UTC midnight.", nameof(o));
        var start = DateTime.SpecifyKind(o.Start, DateTimeKind.Utc);

        bool inject = o.InjectProblems;
        int days = o.Days;
        int missingDay = inject ? (int)Math.Round(days * 0.3) : -1;
        int v2Day = (int)Math.Round(days * 0.4);
        int spikeDay = inject ? (int)Math.Round(days * 0.5) : -1;
        int driftDay = (int)Math.Round(days * 0.6);

        long duplicates = inject ? Math.Max(1, (long)Math.Round(o.Rows * 0.001)) : 0;
        long originals = o.Rows - duplicates;

        // Originals per day: weight 1, 4 on the spike day, 0 on the missing day.
        var perDay = new long[days];
        double totalWeight = 0;
        for (int d = 0; d < days; d++) totalWeight += DayWeight(d, missingDay, spikeDay);
        long assigned = 0;
        for (int d = 0; d < days; d++)
        {
            perDay[d] = (long)Math.Floor(originals * DayWeight(d, missingDay, spikeDay) / totalWeight);
            assigned += perDay[d];
        }
        for (int d = days - 1; assigned < originals; d = (d + days - 1) % days)
            if (d != missingDay) { perDay[d]++; assigned++; }
        var dayOffset = new long[days + 1];
        for (int d = 0; d < days; d++) dayOffset[d + 1] = dayOffset[d] + perDay[d];

        // Problem kinds per original row (index in output order), disjoint by construction.
        var kinds = new byte[originals];
        var nulls = new byte[originals];
        var prng = new Xoshiro((ulong)(uint)o.Seed * 0x9E3779B97F4A7C15UL ^ 0xA0761D6478BD642FUL);
        long nullScores = 0, outOfRange = 0, invalidLabels = 0, future = 0, unparseable = 0, missingLabels = 0;
        if (inject)
        {
            Mark(kinds, prng, duplicates, KindDuplicateSource, 0, originals);
            nullScores = Mark(kinds, prng, Math.Max(1, (long)Math.Round(originals * 0.0005)), KindNullScore, 0, originals);
            outOfRange = Mark(kinds, prng, Math.Max(1, (long)Math.Round(originals * 0.0002)), KindOutOfRange, 0, originals);
            invalidLabels = Mark(kinds, prng, Math.Max(1, (long)Math.Round(originals * 0.0002)), KindInvalidLabel, 0, originals);
            future = Mark(kinds, prng, Math.Max(1, (long)Math.Round(originals * 0.0001)), KindFuture, 0, originals);
            unparseable = Mark(kinds, prng, Math.Max(1, (long)Math.Round(originals * 0.0001)), KindUnparseable, 0, originals);
            // Labels not arrived yet: most of the last day, a third of the day before.
            for (int d = days - 2; d < days; d++)
            {
                double p = d == days - 1 ? 0.85 : 0.35;
                for (long i = dayOffset[d]; i < dayOffset[d + 1]; i++)
                    if (kinds[i] == KindNone && prng.NextDouble() < p) { kinds[i] = KindMissingLabel; missingLabels++; }
            }
            // A few scattered elsewhere.
            missingLabels += Mark(kinds, prng, Math.Max(1, (long)Math.Round(originals * 0.0003)), KindMissingLabel, 0, dayOffset[days - 2]);
            MarkFlag(nulls, prng, Math.Max(1, (long)Math.Round(originals * 0.02)), NullAmount);
            MarkFlag(nulls, prng, Math.Max(1, (long)Math.Round(originals * 0.005)), NullDevice);
        }

        var rng = new Xoshiro((ulong)(uint)o.Seed ^ 0x5851F42D4C957F2DUL);
        var hourCdf = Cdf(HourWeights);
        var categoryCdf = Cdf(CategoryWeights);
        var countryCdf = Cdf(CountryWeights);
        var deviceCdf = Cdf(DeviceWeights);

        var writer = new LineWriter(output);
        writer.WriteHeader();
        var pending = new PriorityQueue<Row, long>();
        long nullAmountLines = 0, nullDeviceLines = 0, spikeLines = 0;
        long written = 0;
        long reportEvery = Math.Max(1, o.Rows / 200);
        DateTime v2Start = start.AddDays(v2Day), driftStart = start.AddDays(driftDay);
        DateTime spikeStart = spikeDay >= 0 ? start.AddDays(spikeDay) : default;
        int[] seconds = new int[perDay.Max()];

        void Emit(in Row r)
        {
            writer.WriteRow(r);
            if ((r.Nulls & NullAmount) != 0) nullAmountLines++;
            if ((r.Nulls & NullDevice) != 0) nullDeviceLines++;
            if (spikeDay >= 0 && r.Kind != KindFuture && r.Kind != KindUnparseable && r.Time >= spikeStart && r.Time < spikeStart.AddDays(1))
                spikeLines++;
            written++;
            if (progress is not null && written % reportEvery == 0) progress.Report((double)written / o.Rows);
        }

        long g = 0;
        for (int d = 0; d < days; d++)
        {
            int n = (int)perDay[d];
            DateTime dayStart = start.AddDays(d);
            // Intra-day times, sorted, then lightly shuffled (real logs are roughly in order).
            for (int i = 0; i < n; i++)
            {
                int hour = Sample(hourCdf, rng.NextDouble());
                seconds[i] = hour * 3600 + (int)(rng.NextDouble() * 3600);
            }
            Array.Sort(seconds, 0, n);
            for (int i = 0; i + 1 < n; i++)
            {
                if (rng.NextDouble() < 0.05)
                {
                    int j = Math.Min(n - 1, i + 1 + (int)(rng.NextDouble() * 20));
                    (seconds[i], seconds[j]) = (seconds[j], seconds[i]);
                }
            }
            for (int i = 0; i < n; i++, g++)
            {
                var time = dayStart.AddSeconds(seconds[i]);
                var row = MakeRow(rng, g, time, time >= v2Start, time >= driftStart, categoryCdf, countryCdf, deviceCdf);
                row.Kind = kinds[g];
                row.Nulls = nulls[g];
                if (row.Kind == KindOutOfRange)
                {
                    double u = rng.NextDouble();
                    row.Score = u < 0.5 ? Math.Round(1.01 + u, 2) : -Math.Round(0.01 + (u - 0.5), 2);
                }
                else if (row.Kind == KindInvalidLabel)
                {
                    row.Label = rng.NextDouble() < 0.5 ? (sbyte)2 : (sbyte)-1;
                }
                Emit(row);
                if (row.Kind == KindDuplicateSource)
                    pending.Enqueue(row, g + 1 + (long)(rng.NextDouble() * 2000));
                while (pending.TryPeek(out var copy, out long at) && at <= g)
                {
                    pending.Dequeue();
                    copy.Kind = KindNone;
                    Emit(copy);
                }
            }
        }
        while (pending.TryDequeue(out var copy, out _))
        {
            copy.Kind = KindNone;
            Emit(copy);
        }
        writer.Flush();
        progress?.Report(1.0);

        return new InjectedProblems(
            DuplicateIds: duplicates,
            NullScores: nullScores,
            ScoresOutOfRange: outOfRange,
            MissingLabels: missingLabels,
            InvalidLabels: invalidLabels,
            FutureTimestamps: future,
            UnparseableTimestamps: unparseable,
            MissingDay: missingDay >= 0 ? start.AddDays(missingDay) : default,
            VolumeSpikeDay: spikeDay >= 0 ? spikeStart : default,
            VolumeSpikeRows: spikeLines,
            ConstantColumn: "channel",
            FeatureNulls: new Dictionary<string, long> { ["amount"] = nullAmountLines, ["device_type"] = nullDeviceLines },
            DriftStart: driftStart,
            V2Start: v2Start);
    }

    private static double DayWeight(int d, int missingDay, int spikeDay) => d == missingDay ? 0 : d == spikeDay ? 4 : 1;

    /// <summary>Marks exactly <paramref name="count"/> rows of [from, to) that have no kind yet.</summary>
    private static long Mark(byte[] kinds, Xoshiro rng, long count, byte kind, long from, long to)
    {
        long free = 0;
        for (long i = from; i < to; i++) if (kinds[i] == KindNone) free++;
        count = Math.Min(count, free);
        long marked = 0;
        while (marked < count)
        {
            long i = from + (long)(rng.NextDouble() * (to - from));
            if (kinds[i] != KindNone) continue;
            kinds[i] = kind;
            marked++;
        }
        return marked;
    }

    private static void MarkFlag(byte[] flags, Xoshiro rng, long count, byte flag)
    {
        long marked = 0;
        while (marked < count)
        {
            long i = (long)(rng.NextDouble() * flags.Length);
            if ((flags[i] & flag) != 0) continue;
            flags[i] |= flag;
            marked++;
        }
    }

    private static Row MakeRow(Xoshiro rng, long g, DateTime time, bool afterV2, bool afterDrift,
        double[] categoryCdf, double[] countryCdf, double[] deviceCdf)
    {
        int category = Sample(categoryCdf, rng.NextDouble());
        int country = Sample(countryCdf, rng.NextDouble());
        int device = Sample(deviceCdf, rng.NextDouble());
        double logAmount = AmountMu + CategoryAmount[category] + (afterDrift ? DriftAmountShift : 0) + AmountSigma * rng.NextGaussian();
        double amount = Math.Max(0.5, Math.Round(Math.Exp(logAmount), 2));
        int age = (int)Math.Min(3650, Math.Floor(Math.Exp(5.2 + 1.2 * rng.NextGaussian())));
        int hour = time.Hour;
        bool night = hour < 5;
        double features = Intercept + 0.45 * (Math.Log(amount) - AmountMu) + CategoryFraud[category] + CountryFraud[country]
            - 0.35 * (Math.Log(1 + age) - 5.2) + DeviceFraud[device] + (night ? 0.5 : 0);
        double hidden = rng.NextGaussian();
        double truth = features + (afterDrift && category == DriftCategory ? DriftCategoryFraud : 0) + 1.3 * hidden;
        bool fraud = rng.NextDouble() < Sigmoid(truth);
        bool v2 = afterV2 && rng.NextDouble() < 0.5;
        // The model learned the pre-drift relationship; v2 sees more of the hidden signal with less noise.
        double scoreLogit = v2
            ? features + 1.15 * hidden + 0.55 * rng.NextGaussian()
            : features + 0.9 * hidden + 0.9 * rng.NextGaussian();
        return new Row
        {
            Id = g + 1,
            V2 = v2,
            Score = Sigmoid(Math.Clamp(scoreLogit, -30, 30)),
            Time = time,
            Label = fraud ? (sbyte)1 : (sbyte)0,
            Amount = amount,
            Category = (byte)category,
            Country = (byte)country,
            Age = age,
            Device = (byte)device,
        };
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double[] Cdf(double[] weights)
    {
        var cdf = new double[weights.Length];
        double sum = 0;
        foreach (var w in weights) sum += w;
        double acc = 0;
        for (int i = 0; i < weights.Length; i++) { acc += weights[i]; cdf[i] = acc / sum; }
        cdf[^1] = 1.0;
        return cdf;
    }

    private static int Sample(double[] cdf, double u)
    {
        for (int i = 0; i < cdf.Length - 1; i++) if (u < cdf[i]) return i;
        return cdf.Length - 1;
    }

    private struct Row
    {
        public long Id;
        public bool V2;
        public double Score;
        public DateTime Time;
        public sbyte Label;
        public double Amount;
        public byte Category;
        public byte Country;
        public int Age;
        public byte Device;
        public byte Kind;
        public byte Nulls;
    }

    /// <summary>Formats rows into a reused char buffer and writes them through one buffered StreamWriter.</summary>
    private sealed class LineWriter(Stream output)
    {
        private readonly StreamWriter _writer = new(output, new UTF8Encoding(false), 1 << 20, leaveOpen: true);
        private readonly char[] _buf = new char[512];
        private int _pos;

        public void WriteHeader()
        {
            _writer.Write(Header);
            _writer.Write('\n');
        }

        public void WriteRow(in Row r)
        {
            _pos = 0;
            Put('p');
            PutPadded(r.Id, 10);
            Put(',');
            Put(r.V2 ? "v2" : "v1");
            Put(',');
            if (r.Kind != KindNullScore) PutDouble(r.Score);
            Put(',');
            switch (r.Kind)
            {
                case KindFuture: PutTime(r.Time.AddYears(2099 - r.Time.Year)); break;
                case KindUnparseable: Put(r.Id % 2 == 0 ? "not-a-date" : "2026-13-45 99:00:00"); break;
                default: PutTime(r.Time); break;
            }
            Put(',');
            if (r.Kind != KindMissingLabel) PutLong(r.Label);
            Put(',');
            if ((r.Nulls & NullAmount) == 0) PutDouble(r.Amount);
            Put(',');
            Put(Categories[r.Category]);
            Put(',');
            Put(Countries[r.Country]);
            Put(',');
            PutLong(r.Age);
            Put(',');
            if ((r.Nulls & NullDevice) == 0) Put(Devices[r.Device]);
            Put(",web\n");
            _writer.Write(_buf.AsSpan(0, _pos));
        }

        public void Flush() => _writer.Flush();

        private void Put(char c) => _buf[_pos++] = c;

        private void Put(string s)
        {
            s.AsSpan().CopyTo(_buf.AsSpan(_pos));
            _pos += s.Length;
        }

        private void PutLong(long v)
        {
            v.TryFormat(_buf.AsSpan(_pos), out int n, default, CultureInfo.InvariantCulture);
            _pos += n;
        }

        private void PutDouble(double v)
        {
            v.TryFormat(_buf.AsSpan(_pos), out int n, "R", CultureInfo.InvariantCulture);
            _pos += n;
        }

        private void PutPadded(long v, int width)
        {
            for (int i = width - 1; i >= 0; i--) { _buf[_pos + i] = (char)('0' + (int)(v % 10)); v /= 10; }
            _pos += width;
        }

        private void Put2(int v)
        {
            _buf[_pos++] = (char)('0' + v / 10);
            _buf[_pos++] = (char)('0' + v % 10);
        }

        private void PutTime(DateTime t)
        {
            int y = t.Year;
            Put2(y / 100); Put2(y % 100); Put('-'); Put2(t.Month); Put('-'); Put2(t.Day); Put(' ');
            Put2(t.Hour); Put(':'); Put2(t.Minute); Put(':'); Put2(t.Second);
        }
    }

    /// <summary>xoshiro256** seeded through SplitMix64: fast and identical on every platform and runtime.</summary>
    private sealed class Xoshiro
    {
        private ulong _s0, _s1, _s2, _s3;
        private double _spare;
        private bool _hasSpare;

        public Xoshiro(ulong seed)
        {
            _s0 = SplitMix(ref seed); _s1 = SplitMix(ref seed); _s2 = SplitMix(ref seed); _s3 = SplitMix(ref seed);
        }

        private static ulong SplitMix(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public ulong NextULong()
        {
            ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>Uniform in [0, 1).</summary>
        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Standard normal (Marsaglia polar method).</summary>
        public double NextGaussian()
        {
            if (_hasSpare) { _hasSpare = false; return _spare; }
            double u, v, s;
            do
            {
                u = 2 * NextDouble() - 1;
                v = 2 * NextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double m = Math.Sqrt(-2 * Math.Log(s) / s);
            _spare = v * m;
            _hasSpare = true;
            return u * m;
        }
    }
}
