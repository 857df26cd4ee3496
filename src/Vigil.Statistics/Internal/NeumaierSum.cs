namespace Vigil.Statistics.Internal;

/// <summary>Compensated (Neumaier) summation: the error stays O(eps) independent of the number of terms.</summary>
internal struct NeumaierSum
{
    private double _sum;
    private double _compensation;

    public void Add(double value)
    {
        double t = _sum + value;
        if (Math.Abs(_sum) >= Math.Abs(value))
        {
            _compensation += (_sum - t) + value;
        }
        else
        {
            _compensation += (value - t) + _sum;
        }
        _sum = t;
    }

    public readonly double Value => _sum + _compensation;
}
