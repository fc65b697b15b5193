namespace Pipeline.Local.Aws.ELBv2;

/// <summary>
/// Health-checks one registered target on its own loop and holds its ELB state. A load balancer
/// checks only targets of a group that one of its listener rules forwards to: until
/// <see cref="Activate"/>, the target is <c>unused</c> (<c>Target.NotInUse</c>) and never checked.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design", "CA1001", Justification = "The token source has no timer; it is only cancelled, and the loop may outlive any owner.")]
internal sealed class TargetMonitor(TargetGroupSettings settings, Uri url, HttpClient http, TimeProvider time)
{
    private readonly HealthMatcher _matcher = HealthMatcher.Parse(settings.Matcher);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private TargetHealth _health = NotInUse;
    private int _passes;
    private int _failures;

    public static TargetHealth NotInUse { get; } =
        new("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer");

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>The group is now in use: the target starts <c>initial</c> and the checks begin. Idempotent.</summary>
    public void Activate()
    {
        lock (_gate)
        {
            if (_health != NotInUse || _stop.IsCancellationRequested)
            {
                return;
            }

            _health = new TargetHealth("initial", "Elb.RegistrationInProgress", "Target registration is in progress");
            Completion = Task.Run(LoopAsync);
        }
    }

    public string State
    {
        get
        {
            lock (_gate)
            {
                return _health.State;
            }
        }
    }

    public TargetHealth Health()
    {
        lock (_gate)
        {
            return _health;
        }
    }

    /// <summary>Stops health checks and reports draining until the delay has passed, then calls <paramref name="removed"/>.</summary>
    public void Drain(TimeSpan delay, Action removed)
    {
        lock (_gate)
        {
            if (_health.State == "draining")
            {
                return;
            }

            _health = new TargetHealth("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress");
        }

        _stop.Cancel();
        _ = Task.Run(async () =>
        {
            await Task.Delay(delay, time);
            lock (_gate)
            {
                if (_health.State != "draining")
                {
                    return;
                }
            }

            removed();
        });
    }

    public void Stop() => _stop.Cancel();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var (passed, reason, description) = await CheckAsync();
            Record(passed, reason, description);
            try
            {
                await Task.Delay(settings.HealthCheckInterval, time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(bool Passed, string? Reason, string? Description)> CheckAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(settings.HealthCheckTimeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return _matcher.Matches(code)
                ? (true, null, null)
                : (false, "Target.ResponseCodeMismatch", $"Health checks failed with these codes: [{code}]");
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return (false, "Target.Timeout", "Request timed out");
        }
        catch (OperationCanceledException)
        {
            return (false, null, null);
        }
        catch (HttpRequestException e)
        {
            return (false, "Target.FailedHealthChecks", $"Health checks failed: {e.Message}");
        }
    }

    private void Record(bool passed, string? reason, string? description)
    {
        lock (_gate)
        {
            if (_health.State == "draining" || _stop.IsCancellationRequested)
            {
                return;
            }

            if (passed)
            {
                _failures = 0;
                _passes++;
                // A new target needs one passing check; an unhealthy one needs HealthyThresholdCount in a row.
                if (_health.State == "initial" || (_health.State == "unhealthy" && _passes >= settings.HealthyThresholdCount))
                {
                    _health = new TargetHealth("healthy");
                }

                return;
            }

            _passes = 0;
            _failures++;
            if (_health.State == "unhealthy" || _failures >= settings.UnhealthyThresholdCount)
            {
                _health = new TargetHealth("unhealthy", reason, description);
            }
            else if (_health.State == "initial")
            {
                _health = new TargetHealth("initial", "Elb.InitialHealthChecking", "Initial health checks in progress");
            }
        }
    }
}
