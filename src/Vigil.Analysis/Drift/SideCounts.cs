using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// One side's counts of one column.
internal static partial class DriftAnalysis
{
    /// <summary>One side's counts of one column: numbers or categories with their counts, and values left out. Numbers
    /// arrive either counted (a value and how often it occurs, from the engine's grouping) or one by one (raw values
    /// streamed from the engine, <see cref="AddValues"/>); a side holds one kind or the other.</summary>
    internal sealed class SideCounts
    {
        private const int BlockSize = 1 << 16;

        private double[] _numbers = [];
        private long[]? _numberCounts = [];
        private int _n;
        // Raw values: into _numbers while it has room (sized by ExpectValues when the row count is known), then in
        // blocks (no doubling of one large array while streaming).
        private bool _raw;
        private List<double[]>? _blocks;
        private int _inBlock;

        public Dictionary<string, long> Categories { get; } = new(StringComparer.Ordinal);
        public long Missing { get; set; }

        /// <summary>Set when the numbers come from a profile's summary (each pooled bucket at its mean).</summary>
        public NumericSummary? Summary { get; init; }

        /// <summary>Values counted (missing ones aside).</summary>
        public long Total
        {
            get
            {
                long t = _blocks is null ? 0 : (long)(_blocks.Count - 1) * BlockSize + _inBlock;
                if (_raw) t += _n;
                else for (var i = 0; i < _n; i++) t += _numberCounts![i];
                foreach (var c in Categories.Values) t += c;
                return t;
            }
        }

        /// <summary>A number that occurs <paramref name="count"/> times.</summary>
        public void Add(double x, long count)
        {
            if (_raw) throw new InvalidOperationException("counted and raw numbers do not mix");
            if (_n == _numbers.Length)
            {
                Array.Resize(ref _numbers, Math.Max(16, _n * 2));
                Array.Resize(ref _numberCounts, Math.Max(16, _n * 2));
            }
            _numbers[_n] = x;
            _numberCounts![_n++] = count;
        }

        /// <summary>Raw values follow, about <paramref name="capacity"/> of them at most (the source's row count).</summary>
        public void ExpectValues(int capacity)
        {
            if (_n > 0 || _blocks is not null) throw new InvalidOperationException("values already added");
            _raw = true;
            _numberCounts = null;
            _numbers = GC.AllocateUninitializedArray<double>(capacity);
        }

        /// <summary>Raw values, NaN and infinities counted as missing.</summary>
        public void AddValues(ReadOnlySpan<double> xs)
        {
            if (!_raw)
            {
                if (_n > 0) throw new InvalidOperationException("counted and raw numbers do not mix");
                _raw = true;
                _numberCounts = null;
            }
            var finite = true;
            foreach (var x in xs) finite &= double.IsFinite(x);
            if (finite && _blocks is null && _numbers.Length - _n >= xs.Length)
            {
                xs.CopyTo(_numbers.AsSpan(_n));
                _n += xs.Length;
                return;
            }
            foreach (var x in xs)
            {
                if (!double.IsFinite(x)) Missing++;
                else if (_blocks is null && _n < _numbers.Length) _numbers[_n++] = x;
                else
                {
                    if (_blocks is null || _inBlock == BlockSize)
                    {
                        (_blocks ??= []).Add(new double[BlockSize]);
                        _inBlock = 0;
                    }
                    _blocks[^1][_inBlock++] = x;
                }
            }
        }

        private bool _sorted;

        /// <summary>Sorts the numbers. Counted ones are merged where equal (the engine's groups may hold -0.0 and 0.0
        /// apart) and trimmed to size; raw ones are gathered into one array and sorted (equal values stay
        /// side by side).</summary>
        public void Compact()
        {
            if (_sorted) return;
            _sorted = true;
            if (_raw)
            {
                if (_blocks is not null)
                {
                    var n = _n + (_blocks.Count - 1) * BlockSize + _inBlock;
                    var all = GC.AllocateUninitializedArray<double>(n);
                    Array.Copy(_numbers, all, _n);
                    for (var b = 0; b < _blocks.Count; b++)
                    {
                        Array.Copy(_blocks[b], 0, all, _n + b * BlockSize, b == _blocks.Count - 1 ? _inBlock : BlockSize);
                        _blocks[b] = [];
                    }
                    (_numbers, _n, _blocks, _inBlock) = (all, n, null, 0);
                }
                Vigil.Analysis.Summary.KeySort.Sort(_numbers, _n);
                return;
            }
            var v = _numbers;
            var c = _numberCounts!;
            Array.Sort(v, c, 0, _n);
            var m = 0;
            for (var i = 0; i < _n; i++)
            {
                if (m > 0 && v[m - 1] == v[i]) c[m - 1] += c[i];
                else
                {
                    v[m] = v[i] + 0.0;
                    c[m++] = c[i];
                }
            }
            Array.Resize(ref _numbers, m);
            Array.Resize(ref _numberCounts, m);
            _n = m;
        }

        /// <summary>The numbers ascending: each once with its count, or (raw numbers) every value with Counts null.</summary>
        public (double[] Values, long[]? Counts, int Length) Sorted()
        {
            Compact();
            return (_numbers, _numberCounts, _n);
        }

        /// <summary>The numbers ascending, as a <see cref="SortedSample"/>.</summary>
        public SortedSample Sample()
        {
            var (v, c, n) = Sorted();
            return new SortedSample(v, c, n);
        }

        /// <summary>The numbers ascending, each once (-0.0 as 0.0) with its count.</summary>
        public (double[] Values, long[] Counts, int Length) SortedNumbers()
        {
            var (v, c, n) = Sorted();
            if (c is not null) return (v, c, n);
            var values = new List<double>();
            var counts = new List<long>();
            for (var i = 0; i < n;)
            {
                var x = v[i];
                var j = i + 1;
                while (j < n && v[j] == x) j++;
                values.Add(x + 0.0);
                counts.Add(j - i);
                i = j;
            }
            return (values.ToArray(), counts.ToArray(), values.Count);
        }

        /// <summary>Whether the column holds one value only (its missing values, imputed, take that value too).</summary>
        public bool IsConstant(ColumnType type)
        {
            if (type != ColumnType.Numerical) return Categories.Count == 1;
            var (v, _, n) = Sorted();
            return n > 0 && v[0] == v[n - 1];
        }

        /// <summary>The mean of the numbers (NaN when there are none).</summary>
        public double Mean()
        {
            var (v, c, n) = Sorted();
            var sum = new Vigil.Statistics.Internal.NeumaierSum();
            long count = 0;
            for (var i = 0; i < n; i++)
            {
                var k = c?[i] ?? 1;
                sum.Add(v[i] * k);
                count += k;
            }
            return count == 0 ? double.NaN : sum.Value / count;
        }

        /// <summary>Lets go of the numbers once the column is tested.</summary>
        public void Release()
        {
            _numbers = [];
            _numberCounts = _raw ? null : [];
            _n = 0;
            _blocks = null;
            _inBlock = 0;
        }
    }
}
