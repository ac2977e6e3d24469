using System.Runtime.InteropServices;

namespace Portable.Benchmarks;

/// <summary>
/// Drops a published program's files from Linux's page cache, so that its next start reads them from disk as the
/// first start in a new Lambda sandbox does, and tells how much of them is still cached (<c>mincore</c>), to check
/// that it worked. Only clean pages no process maps can be dropped: hence the <c>sync</c> first, and the previous
/// start's process must have exited. Shared system libraries (libc, libssl, …) stay cached: every process maps them.
/// </summary>
internal static partial class PageCache
{
    private const int PosixFadvDontNeed = 4; // POSIX_FADV_DONTNEED in <fcntl.h> on Linux
    private const int ProtRead = 1;
    private const int MapShared = 1;

    /// <summary>Writes dirty pages back, then asks the kernel to drop every file under <paramref name="folder"/> from the cache.</summary>
    /// <exception cref="IOException">The kernel refused the advice.</exception>
    public static void Evict(string folder)
    {
        Sync();
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            using var file = File.OpenHandle(path);
            var error = PosixFadvise((int)file.DangerousGetHandle(), 0, 0, PosixFadvDontNeed); // returns the error number itself
            if (error != 0)
            {
                throw new IOException($"posix_fadvise(DONTNEED) on {path} failed with errno {error}.");
            }
        }
    }

    /// <summary>The share of the pages of the files under <paramref name="folder"/> that are in the page cache, from 0 to 1.</summary>
    public static double ResidentFraction(string folder)
    {
        long resident = 0, total = 0;
        var pageSize = Environment.SystemPageSize;
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var length = new FileInfo(path).Length;
            if (length == 0)
            {
                continue;
            }

            using var file = File.OpenHandle(path);
            var map = Mmap(IntPtr.Zero, (nuint)length, ProtRead, MapShared, (int)file.DangerousGetHandle(), 0);
            if (map == new IntPtr(-1))
            {
                throw new IOException($"mmap of {path} failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            try
            {
                var pages = new byte[(length + pageSize - 1) / pageSize];
                if (Mincore(map, (nuint)length, pages) != 0)
                {
                    throw new IOException($"mincore on {path} failed with errno {Marshal.GetLastPInvokeError()}.");
                }

                total += pages.Length;
                resident += pages.Count(p => (p & 1) != 0);
            }
            finally
            {
                _ = Munmap(map, (nuint)length);
            }
        }

        return total == 0 ? 0 : (double)resident / total;
    }

    [LibraryImport("libc", EntryPoint = "sync")]
    private static partial void Sync();

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(IntPtr address, nuint length);

    [LibraryImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static partial int Mincore(IntPtr address, nuint length, [Out] byte[] vector);
}
