namespace Pipeline.Aws.Tests.AwsJson;

public sealed class AwsJsonErrorTests
{
    private static HttpResponseMessage Refusal(string? header = null, string? value = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
        if (header is not null)
        {
            response.Headers.Add(header, value);
        }

        return response;
    }

    [Fact]
    public void Read_WhenAQueryErrorHeaderIsSent_ShouldPreferItsClassicCode()
    {
        using var response = Refusal("x-amzn-query-error", "InvalidNextToken;Sender");

        var error = AwsJsonError.Read(response, """{"__type":"com.amazon.coral#InvalidNextTokenException","message":"bad token"}""");

        Assert.Equal(new AwsJsonError("InvalidNextToken", "bad token", HttpStatusCode.BadRequest), error);
    }

    [Fact]
    public void Read_WhenTheBodyNamesAType_ShouldTakeItsLastPart()
    {
        using var response = Refusal("x-amzn-ErrorType", "Other:http://internal.amazon.com/");

        var error = AwsJsonError.Read(response, """{"__type":"com.amazonaws.swf.service.v2.model#ExecutionDoesNotExist","Message":"gone"}""");

        Assert.Equal(("ExecutionDoesNotExist", "gone"), (error.Code, error.Message));
    }

    [Fact]
    public void Read_WhenOnlyTheErrorTypeHeaderNamesIt_ShouldTakeTheHeader()
    {
        using var response = Refusal("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/");

        var error = AwsJsonError.Read(response, "not json");

        Assert.Equal(new AwsJsonError("ThrottlingException", "not json", HttpStatusCode.BadRequest), error);
    }

    [Fact]
    public void Read_WhenNothingNamesIt_ShouldSayUnknown()
    {
        using var response = Refusal();

        Assert.Equal(new AwsJsonError("Unknown", "(no message)", HttpStatusCode.BadRequest), AwsJsonError.Read(response, "{}"));
    }
}
