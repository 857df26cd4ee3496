namespace Vigil.Engine;

/// <summary>
/// Bad input a person can fix (a missing file, an unreadable format, an unknown table, an unreachable
/// server). The message is one line that names what is wrong; callers print it without a stack trace.
/// </summary>
public sealed class VigilInputException : Exception
{
    public VigilInputException(string message) : base(message) { }

    public VigilInputException(string message, Exception? inner) : base(message, inner) { }
}
