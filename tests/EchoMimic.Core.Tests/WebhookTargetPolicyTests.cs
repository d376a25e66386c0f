using System.Net;
using EchoMimic.Core.Webhooks;

namespace EchoMimic.Core.Tests;

public sealed class WebhookTargetPolicyTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://api.localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.20.0.1/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://169.254.169.254/metadata")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://user:pw@example.com/hook")]
    [InlineData("file:///etc/passwd")]
    public void Private_loopback_and_odd_targets_are_refused(string url)
    {
        Assert.NotNull(WebhookTargetPolicy.PublicOnly.RefusalFor(new Uri(url)));
    }

    [Theory]
    [InlineData("https://hooks.example.com/x")]
    [InlineData("http://8.8.8.8/x")]
    [InlineData("http://172.32.0.1/x")]
    [InlineData("http://[2606:4700::1111]/x")]
    public void Public_targets_are_allowed(string url)
    {
        Assert.Null(WebhookTargetPolicy.PublicOnly.RefusalFor(new Uri(url)));
    }

    [Fact]
    public void Resolved_private_address_is_refused_unless_allowed()
    {
        Assert.NotNull(WebhookTargetPolicy.PublicOnly.RefusalFor(IPAddress.Parse("10.0.0.5")));
        Assert.Null(WebhookTargetPolicy.AllowPrivate.RefusalFor(IPAddress.Parse("10.0.0.5")));
        Assert.Null(WebhookTargetPolicy.AllowPrivate.RefusalFor(new Uri("http://127.0.0.1:9/x")));
    }
}
