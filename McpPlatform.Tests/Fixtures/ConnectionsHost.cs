namespace McpPlatform.Tests.Fixtures;

/// <summary>The API host for tests against real MCP and OAuth peers on loopback: the host name <c>localhost</c> is
/// allowed outbound (the address 127.0.0.1 still is not), timers are short, and a few app-level stdio servers exist.</summary>
public static class ConnectionsHost
{
    public const string StdioServer = "everything-stdio";
    public const string EnvServer = "env-stdio";
    public const string LiteralLoopbackServer = "literal-loopback";

    public static Task<ApiFactory> StartAsync() => TestRun.StartConnectionsApiAsync(Settings());

    public static Dictionary<string, string> Settings()
    {
        var (node, args) = NodePeer.EverythingStdioCommand();
        return new Dictionary<string, string>
        {
            ["Security:AllowedOutboundHosts:0"] = "localhost",
            ["Mcp:MaxServersPerUser"] = "100",
            ["Mcp:ConnectTimeout"] = "00:00:15",
            ["Mcp:ToolCallTimeout"] = "00:00:15",
            ["Mcp:ConnectAttempts"] = "1",
            ["Mcp:CircuitBreakerFailures"] = "1000",
            ["OAuth:RefreshMargin"] = "00:00:01",
            // Everything is logged here, request lines with OAuth codes included, so the log sanitiser has work to do.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Information",
            [$"Mcp:Servers:{StdioServer}:type"] = "stdio",
            [$"Mcp:Servers:{StdioServer}:command"] = node,
            [$"Mcp:Servers:{StdioServer}:args:0"] = args[0],
            [$"Mcp:Servers:{StdioServer}:args:1"] = args[1],
            [$"Mcp:Servers:{EnvServer}:type"] = "stdio",
            [$"Mcp:Servers:{EnvServer}:command"] = node,
            [$"Mcp:Servers:{EnvServer}:args:0"] = args[0],
            [$"Mcp:Servers:{EnvServer}:args:1"] = args[1],
            [$"Mcp:Servers:{EnvServer}:env:PLATFORM_TEST_VAR"] = "{{TEST_TOKEN}}",
            [$"Mcp:Servers:{EnvServer}:customUserVars:TEST_TOKEN:title"] = "Test token",
            [$"Mcp:Servers:{EnvServer}:customUserVars:TEST_TOKEN:description"] = "Reaches the server as PLATFORM_TEST_VAR",
            [$"Mcp:Servers:{LiteralLoopbackServer}:type"] = "streamable-http",
            [$"Mcp:Servers:{LiteralLoopbackServer}:url"] = "http://127.0.0.1:9/mcp",
            [$"Mcp:Servers:{LiteralLoopbackServer}:startup"] = "false",
        };
    }
}
