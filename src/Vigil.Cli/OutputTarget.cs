using System.Runtime.InteropServices;
using Vigil.Engine;

namespace Vigil.Cli;

/// <summary>Where <c>--out</c> writes, checked before any work is done. Nothing ever writes over an input or a
/// special file: a symbolic link is written through to its target; a character device (such as /dev/null) is written
/// to directly; a directory, a FIFO, a socket or a block device is refused; a target that is one of the command's
/// inputs (compared by resolved path and, where the system says, by device and inode, so hard links count) is
/// refused. A regular file is replaced by renaming a complete temporary file written beside it.</summary>
internal sealed record OutputTarget(string Given, string Path, bool Direct)
{
    /// <summary>Checks <paramref name="given"/> (the value of <paramref name="flag"/>) against the inputs; throws a
    /// <see cref="VigilInputException"/> naming the problem.</summary>
    public static OutputTarget Check(string given, IEnumerable<string> inputs, string flag = "--out")
    {
        if (string.IsNullOrWhiteSpace(given)) throw new VigilInputException($"{flag}: the path is empty; name the file to write");
        string full;
        try { full = Resolve(System.IO.Path.GetFullPath(given)); }
        catch (IOException e) { throw new VigilInputException($"{flag}: cannot resolve '{given}': {e.Message}"); }
        if (Directory.Exists(full)) throw new VigilInputException($"{flag}: '{given}' is a directory; name a file (e.g. {System.IO.Path.Combine(given, "report.html")})");
        var dir = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new VigilInputException($"{flag}: directory '{dir}' does not exist");

        var kind = FileKind.Of(full);
        bool direct = false;
        switch (kind.Type)
        {
            case FileType.Missing or FileType.Regular or FileType.Unknown: break;
            case FileType.CharacterDevice: direct = true; break;
            case FileType.Fifo: throw new VigilInputException($"{flag}: '{given}' is a FIFO (named pipe); write to a regular file or to standard output");
            case FileType.Socket: throw new VigilInputException($"{flag}: '{given}' is a socket; write to a regular file");
            case FileType.BlockDevice: throw new VigilInputException($"{flag}: '{given}' is a block device; write to a regular file");
            case FileType.Directory: throw new VigilInputException($"{flag}: '{given}' is a directory; name a file");
        }

        if (kind.Type == FileType.Regular || kind.Type == FileType.Unknown)
        {
            foreach (var input in ExpandInputs(inputs))
            {
                string inFull;
                try { inFull = Resolve(System.IO.Path.GetFullPath(input)); }
                catch (IOException) { continue; }
                var same = string.Equals(inFull, full, StringComparison.Ordinal);
                if (!same && kind.Inode is { } o && FileKind.Of(inFull).Inode is { } i) same = o == i;
                if (same) throw new VigilInputException($"{flag}: '{given}' is one of the inputs ({input}); the report would overwrite it, so write it elsewhere");
            }
        }
        return new OutputTarget(given, full, direct);
    }

    /// <summary>The inputs as files: literal paths, and a glob's matches (in its last component). URLs are skipped.</summary>
    internal static IEnumerable<string> ExpandInputs(IEnumerable<string> inputs)
    {
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input) || input.Contains("://", StringComparison.Ordinal)) continue;
            if (input.IndexOfAny(['*', '?', '[']) < 0)
            {
                yield return input;
                continue;
            }
            var dir = System.IO.Path.GetDirectoryName(input) is { Length: > 0 } d ? d : ".";
            var pattern = System.IO.Path.GetFileName(input);
            if (dir.IndexOfAny(['*', '?', '[']) >= 0 || !Directory.Exists(dir)) continue;
            string[] matches;
            try { matches = Directory.GetFiles(dir, pattern.Replace("[", "?", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            foreach (var m in matches) yield return m;
        }
    }

    /// <summary>The path with every symbolic link along it resolved (a dangling final link resolves to where it points).</summary>
    internal static string Resolve(string full)
    {
        for (int hops = 0; hops < 40; hops++)
        {
            var dir = System.IO.Path.GetDirectoryName(full);
            var name = System.IO.Path.GetFileName(full);
            if (dir is null || name.Length == 0) return full;
            var resolvedDir = Resolve(dir);
            var candidate = System.IO.Path.Combine(resolvedDir, name);
            var info = new FileInfo(candidate);
            if (info.LinkTarget is not { } target) return candidate;
            full = System.IO.Path.GetFullPath(target, resolvedDir);
        }
        throw new IOException("too many levels of symbolic links");
    }
}

internal enum FileType { Missing, Regular, Directory, CharacterDevice, BlockDevice, Fifo, Socket, Unknown }

/// <summary>The type of a file (stat(2), following links) and its device and inode, where the system can say.</summary>
internal readonly record struct FileKind(FileType Type, (ulong Dev, ulong Ino)? Inode)
{
    public static FileKind Of(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            // File.Exists is false for a dangling link and for special files on some systems; stat says.
            var s = Stat(path);
            return s ?? new FileKind(FileType.Missing, null);
        }
        return Stat(path) ?? new FileKind(Directory.Exists(path) ? FileType.Directory : FileType.Unknown, null);
    }

    private static FileKind? Stat(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (modeOffset < 0) return null;
        var buf = new byte[256];
        int rc;
        try { rc = NativeStat.stat(path, buf); }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        if (rc != 0) return Marshal.GetLastPInvokeError() == 2 ? new FileKind(FileType.Missing, null) : null;
        uint mode = BitConverter.ToUInt32(buf, modeOffset);
        var dev = BitConverter.ToUInt64(buf, 0);
        var ino = BitConverter.ToUInt64(buf, 8);
        var type = (mode & 0xF000) switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0x2000 => FileType.CharacterDevice,
            0x6000 => FileType.BlockDevice,
            0x1000 => FileType.Fifo,
            0xC000 => FileType.Socket,
            _ => FileType.Unknown,
        };
        return new FileKind(type, (dev, ino));
    }
}

internal static partial class NativeStat
{
    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int stat(string path, [Out] byte[] buf);
}
