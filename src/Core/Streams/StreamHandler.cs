using Portable.Core.Functions;

namespace Portable.Core.Streams;

/// <summary>Handles one stream record; throwing fails it, and its partition waits until it succeeds (see <see cref="IStreamFunction"/>).</summary>
public delegate ValueTask StreamHandler(StreamRecord record, FunctionContext context, CancellationToken cancellationToken);
