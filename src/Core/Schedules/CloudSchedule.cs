namespace Portable.Core.Schedules;

/// <summary>A schedule as one cloud's scheduler reads it: its expression and the time zone field beside it.</summary>
/// <param name="Expression">The cloud's own expression (<c>cron(0 9 ? * 2-6 *)</c>, <c>0 0 9 * * 1-5</c>, <c>0 9 * * 1-5</c>).</param>
/// <param name="TimeZone">The IANA time zone id the cloud evaluates it in.</param>
public sealed record CloudSchedule(string Expression, string TimeZone);
