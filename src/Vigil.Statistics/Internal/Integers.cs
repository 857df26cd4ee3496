namespace Vigil.Statistics.Internal;

internal static class Integers
{
    /// <summary>Greatest common divisor of two non-negative integers (Euclid).</summary>
    public static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
