namespace Pipeline.Local.Aws.Processes;

/// <summary>
/// Why the local stack cannot start or had to stop, in words a user can act on: the message names
/// the component and, where there is one, the command that fixes it.
/// </summary>
public sealed class StackFailureException(string message, Exception? inner = null) : Exception(message, inner);
