using Microsoft.Playwright;

namespace Pipeline.EndToEnd.Tests;

/// <summary>
/// The dashboard in a real browser (Debian's chromium driven by Playwright) on one <c>./pipeline up</c>:
/// a push's execution graph goes from running to succeeded, the service page shows the new version,
/// a deploy whose tests fail shows its failed state and cause; keyboard navigation works and the
/// page logs no console error. Screenshots of every page go to .build/test-results/dashboard/.
/// </summary>
public sealed partial class DashboardBrowserTests(ITestOutputHelper output)
{
    public const string Chromium = "/usr/bin/chromium";
    private const string Service = "orders";
    private static readonly string Screenshots = RepositoryRoot.Combine(".build/test-results/dashboard");

    [Fact]
    public async Task Dashboard_WhenAServiceIsPushedAndThenFailsItsTests_ShouldShowTheRunLiveTheNewVersionAndTheFailure()
    {
        // Never skipped: without the browser this test fails and says how to get it.
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the browser tests need Debian's chromium (`./build.sh setup` installs it: apt-get install chromium)");
        Directory.CreateDirectory(Screenshots);
        var clock = Stopwatch.StartNew();
        await using var stack = await RunningStack.StartAsync(output);
        using var probe = new StackProbe(stack);
        var dashboard = stack.Endpoint("dashboard");
        output.WriteLine($"dashboard {dashboard}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add($"{message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (consoleErrors)
            {
                consoleErrors.Add(error);
            }
        };

        // On a failure: what the page showed and what the execution's history held at that moment.
        string? watched = null;
        try
        {
            // A push: its execution appears, is drawn running, then succeeded.
            var before = await probe.ExecutionArnsAsync();
            var (pushed, printed) = await PipelineCli.RunAsync(TimeSpan.FromMinutes(5), "push", Service, "--state-dir", stack.StateDirectory);
            Assert.True(pushed == 0, printed);
            var first = await probe.NewExecutionAsync(before, TimeSpan.FromMinutes(1));
            watched = first;
            await page.GotoAsync(new Uri(dashboard, "#/executions/" + Uri.EscapeDataString(first)).ToString());
            await Assertions.Expect(page.Locator(".graph .state[data-status='running']").First).ToBeVisibleAsync();
            var runningStates = await page.Locator(".graph .state[data-status='running']").CountAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "execution-running.png"), FullPage = true });
            await Assertions.Expect(page.Locator("#execution-status")).ToHaveTextAsync("succeeded", new LocatorAssertionsToHaveTextOptions { Timeout = (float)Limits.Run.TotalMilliseconds });
            await Assertions.Expect(page.Locator(".graph .state[data-state='End']")).ToHaveAttributeAsync("data-status", "succeeded");
            Assert.Equal(0, await page.Locator(".graph .state[data-status='running']").CountAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "execution-succeeded.png"), FullPage = true });
            output.WriteLine($"first run succeeded after {clock.Elapsed.TotalSeconds:0.0} s ({runningStates} state(s) seen running)");

            // The service page shows the version the registry says is live.
            var live = (await probe.Registry.GetServiceAsync(Service))!.LiveLabel!;
            await page.GotoAsync(new Uri(dashboard, "#/services/" + Service).ToString());
            await Assertions.Expect(page.Locator("#live-version")).ToHaveTextAsync(live);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "service.png"), FullPage = true });
            await page.GotoAsync(new Uri(dashboard, "#/services").ToString());
            await Assertions.Expect(page.Locator($"tr[data-service='{Service}'] .badge")).ToHaveTextAsync("live");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "services.png"), FullPage = true });

            // Keyboard only: from the top of a fresh page, Tab passes the skip link and reaches the page links; Enter follows one.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator($"tr[data-service='{Service}']")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("Skip to content", await page.EvaluateAsync<string>("document.activeElement.textContent"));
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("Executions", await page.EvaluateAsync<string>("document.activeElement.textContent"));
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page).ToHaveURLAsync(ExecutionsPage());
            await Assertions.Expect(page.Locator("table.executions a").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "executions.png"), FullPage = true });

            // A commit whose tests fail: the run fails, the failing state is coloured and its cause shown.
            var checkout = await ServiceCheckout.CloneAsync(stack, Service, Path.Combine(stack.StateDirectory, "browser-checkout"));
            before = await probe.ExecutionArnsAsync();
            await checkout.CommitAndPushAsync("buildspec.yml",
                yaml => yaml.Replace("      - npm test\n", "      - npm test\n      - echo 'refusing this commit on purpose' && exit 1\n", StringComparison.Ordinal),
                "orders: a test step that fails");
            var failing = await probe.NewExecutionAsync(before, TimeSpan.FromMinutes(1));
            watched = failing;
            var end = await probe.EndOfAsync(failing, Limits.Run);
            Assert.Equal("FAILED", (string?)end["status"]);
            await page.GotoAsync(new Uri(dashboard, "#/executions/" + Uri.EscapeDataString(failing)).ToString());
            await Assertions.Expect(page.Locator("#execution-status")).ToHaveTextAsync("failed");
            await Assertions.Expect(page.Locator("#execution-error")).ToContainTextAsync((string)end["error"]!);
            var build = page.Locator(".graph .state[data-state='BuildAndTest']");
            await Assertions.Expect(build).ToHaveAttributeAsync("data-status", CaughtOrFailed());

            // Keyboard again: focus the failing state and open it with Enter.
            await build.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#state-title")).ToContainTextAsync("BuildAndTest");
            await Assertions.Expect(page.Locator("#state-error")).Not.ToBeEmptyAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "execution-failed.png"), FullPage = true });

            await page.GotoAsync(new Uri(dashboard, "#/routes").ToString());
            await Assertions.Expect(page.Locator("#haproxy-cfg")).ToContainTextAsync($"live version {live}");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "routes.png"), FullPage = true });
            await page.GotoAsync(new Uri(dashboard, "#/tables").ToString());
            await Assertions.Expect(page.Locator(".table-section").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".uplot").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "tables.png"), FullPage = true });
        }
        catch (Exception) when (watched is not null)
        {
            // A stack or browser that is gone must not replace the failure with its own exception.
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "failure.png"), FullPage = true });
                output.WriteLine($"at the failure, after {clock.Elapsed.TotalSeconds:0.0} s, the page at {page.Url} and {watched}:\n{await probe.HistorySummaryAsync(watched)}");
            }
            catch (Exception e) when (e is PlaywrightException or HttpRequestException or TaskCanceledException or IOException or Xunit.Sdk.XunitException)
            {
                output.WriteLine($"at the failure, the page and the history could not be read: {e.Message}");
            }

            throw;
        }

        Assert.True(consoleErrors.Count == 0, "console errors:\n" + string.Join("\n", consoleErrors));
        output.WriteLine($"browser test done after {clock.Elapsed.TotalSeconds:0.0} s; screenshots in {Screenshots}");
    }

    [GeneratedRegex("#/executions$")]
    private static partial Regex ExecutionsPage();

    [GeneratedRegex("^(caught|failed)$")]
    private static partial Regex CaughtOrFailed();
}
