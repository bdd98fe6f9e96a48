namespace McpPlatform.Infrastructure.Security;

/// <summary>Raised when an outbound connection would reach an address the SSRF rule forbids. Its message names
/// neither the host's resolved address nor its kind (see <see cref="OutboundUrlPolicy.RefusedMessage"/>).</summary>
public sealed class OutboundAddressRefusedException()
    : HttpRequestException(OutboundUrlPolicy.RefusedMessage);
