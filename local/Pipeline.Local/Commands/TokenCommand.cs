using Pipeline.Local.Aws.TokenIssuer;
using Pipeline.Local.Stack;

namespace Pipeline.Local.Commands;

/// <summary>
/// <c>pipeline token --sub NAME [--scope S]... [--audience A]... [--ttl 1h]</c>: a bearer token signed by
/// the local issuer of the state directory, on its own last line (<c>| tail -n 1</c>). It reads the key the
/// stack generated, so it works whether or not the stack runs.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var subject = new Option<string>("--sub") { Description = "Who the token speaks for (its sub claim)", Required = true };
        var scopes = new Option<string[]>("--scope") { Description = "A scope the token grants; repeat for more", AllowMultipleArgumentsPerToken = false };
        var audiences = new Option<string[]>("--audience")
        {
            Description = "The service the token is for (its service.yaml auth.audience, else its name); repeat for more. Default: the services the scopes name (widgets for widgets:read)",
        };
        var ttl = new Option<string>("--ttl") { Description = "How long the token is valid: 90s, 30m, 1h, 2d (at most 7d)", DefaultValueFactory = _ => "1h" };
        return StackOptions.Command("token", "Print a bearer token signed by the local stack's issuer (last line)", [subject, scopes, audiences, ttl],
            (parse, state, _) => Task.FromResult(Run(state, parse.GetValue(subject)!, parse.GetValue(scopes) ?? [], parse.GetValue(audiences) ?? [],
                parse.GetValue(ttl)!, Console.Out, TimeProvider.System.GetUtcNow())));
    }

    internal static int Run(string stateDirectory, string subject, string[] scopes, string[] audiences, string ttl, TextWriter output, DateTimeOffset now)
    {
        if (TokenRequest.ParseLifetime(ttl) is not { } lifetime)
        {
            return StackOptions.Fail("token", $"--ttl '{ttl}': a whole number and s, m, h or d, e.g. 1h");
        }

        var request = new TokenRequest(subject, scopes, audiences.Length > 0 ? audiences : TokenRequest.AudiencesOf(scopes), lifetime);
        if (request.Problem() is { } problem)
        {
            return StackOptions.Fail("token", problem);
        }

        var directory = new StackLayout(stateDirectory).Issuer;
        try
        {
            using var key = IssuerKey.Load(directory);
            if (key is null || LocalIssuer.KeptIssuer(directory) is not { } issuer)
            {
                return StackOptions.Fail("token", $"no token issuer in {directory} yet: `./pipeline up --state-dir {Path.GetFullPath(stateDirectory)}` generates its key");
            }

            output.WriteLine($"token for {subject}, audience {string.Join(" ", request.Audiences)}, scopes {(scopes.Length == 0 ? "(none)" : string.Join(" ", scopes))}, "
                + $"issuer {issuer}, valid until {(now + lifetime).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)}Z; send it as Authorization: Bearer <token>");
            output.WriteLine(key.Sign(request.Claims(issuer, now)));
            return 0;
        }
        catch (InvalidDataException e)
        {
            return StackOptions.Fail("token", e.Message);
        }
    }
}
