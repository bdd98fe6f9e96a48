using System.Text.RegularExpressions;
using FluentValidation;
using McpPlatform.Api.Validation;

namespace McpPlatform.Api.Features.Servers;

/// <summary>The shape rules for a user-supplied server config (LibreChat's user input schema, hardened: stdio is
/// refused, a malformed URL is a 400, sizes are bounded, header values cannot inject lines).</summary>
public sealed partial class ServerConfigRequestValidator : AbstractValidator<ServerConfigRequest>
{
    public const int MaxUrlLength = 2048;
    public const int MaxHeaders = 50;
    public const int MaxUserVars = 50;
    public const int MaxIconLength = 64 * 1024;

    /// <summary>Titles and descriptions (the server's and its variables'), in Unicode characters (<see cref="Characters"/>).
    /// Whatever these allow is stored, shared and searched (docs/decisions/0043).</summary>
    public const int MaxTitleCharacters = 100;

    public const int MaxDescriptionCharacters = 1000;

    private static readonly string[] AllowedTypes = ["streamable-http", "http", "sse"];
    private static readonly string[] TokenExchangeMethods = ["default_post", "basic_auth_header"];

    public ServerConfigRequestValidator()
    {
        RuleFor(r => r.Config).NotNull().WithName("config").OverridePropertyName("config").WithMessage("config is required").WithErrorCode("required");
        When(r => r.Config is not null, () =>
        {
            RuleFor(r => r.Config!.Type).Must(t => t != "stdio").OverridePropertyName("type")
                .WithMessage("stdio servers can only be defined in the app-level configuration").WithErrorCode("stdio_not_allowed");
            RuleFor(r => r.Config!.Type).Must(t => t != "websocket").OverridePropertyName("type")
                .WithMessage("WebSocket servers are not supported; use streamable-http or sse").WithErrorCode("unsupported_transport");
            RuleFor(r => r.Config!.Type).Must(t => t is null or "stdio" or "websocket" || AllowedTypes.Contains(t)).OverridePropertyName("type")
                .WithMessage("type must be one of streamable-http, http, sse").WithErrorCode("invalid_enum_value");

            RuleFor(r => r.Config!.Url).NotEmpty().OverridePropertyName("url").WithMessage("Required").WithErrorCode("required");
            RuleFor(r => r.Config!.Url).Must((r, url) => !IsWebSocket(url!) || r.Config!.Type is null or "websocket" or "stdio")
                .When(r => !string.IsNullOrEmpty(r.Config!.Url)).OverridePropertyName("url")
                .WithMessage(r => r.Config!.Type == "sse" ? "SSE URL must not start with ws:// or wss://" : "Streamable HTTP URL must not start with ws:// or wss://").WithErrorCode("custom");
            RuleFor(r => r.Config!.Url).Must(url => !IsWebSocket(url!))
                .When(r => !string.IsNullOrEmpty(r.Config!.Url) && r.Config!.Type is null).OverridePropertyName("url")
                .WithMessage("WebSocket servers are not supported; use streamable-http or sse").WithErrorCode("unsupported_transport");
            RuleFor(r => r.Config!.Url).Must(url => IsWebSocket(url!) || IsHttpUrl(url)).When(r => !string.IsNullOrEmpty(r.Config!.Url))
                .OverridePropertyName("url").WithMessage("Invalid url").WithErrorCode("invalid_url");

            RuleFor(r => r.Config!.Title).Must(t => TitlePattern().IsMatch(t!)).When(r => r.Config!.Title is not null)
                .OverridePropertyName("title").WithMessage("Title can only contain letters, numbers, and spaces").WithErrorCode("invalid_string");
            RuleFor(r => r.Config!.Title).Must(t => Characters.AtMost(t, MaxTitleCharacters)).OverridePropertyName("title").WithMessage($"Title must be at most {MaxTitleCharacters} characters").WithErrorCode("too_big");
            RuleFor(r => r.Config!.Description).Must(d => Characters.AtMost(d, MaxDescriptionCharacters)).OverridePropertyName("description").WithMessage($"Description must be at most {MaxDescriptionCharacters} characters").WithErrorCode("too_big");
            RuleFor(r => r.Config!.IconPath).Must(IsIcon).When(r => r.Config!.IconPath is not null)
                .OverridePropertyName("iconPath").WithMessage("iconPath must be an https or http URL or a data:image/… URI").WithErrorCode("invalid_url");

            RuleFor(r => r.Config!.Headers).Must(h => h!.Count <= MaxHeaders).When(r => r.Config!.Headers is not null)
                .OverridePropertyName("headers").WithMessage($"At most {MaxHeaders} headers").WithErrorCode("too_big");
            RuleForEach(r => r.Config!.Headers).Custom((header, context) =>
            {
                if (!HeaderName().IsMatch(header.Key))
                {
                    context.AddFailure(Failure($"headers.{header.Key}", "Header names may only contain token characters (RFC 9110), at most 256", "invalid_header_name"));
                }
                else if (header.Value is null)
                {
                    context.AddFailure(Failure($"headers.{header.Key}", "Header values must be strings", "invalid_type"));
                }
                else if (header.Value.Length > 8192 || header.Value.Any(c => c is '\r' or '\n' or '\0'))
                {
                    context.AddFailure(Failure($"headers.{header.Key}", "Header values must be at most 8192 characters without line breaks", "invalid_header_value"));
                }
            }).When(r => r.Config!.Headers is not null);

            RuleFor(r => r.Config!.CustomUserVars).Must(v => v!.Count <= MaxUserVars).When(r => r.Config!.CustomUserVars is not null)
                .OverridePropertyName("customUserVars").WithMessage($"At most {MaxUserVars} variables").WithErrorCode("too_big");
            RuleForEach(r => r.Config!.CustomUserVars).Custom((variable, context) =>
            {
                var path = $"customUserVars.{variable.Key}";
                if (!VariableName().IsMatch(variable.Key))
                {
                    context.AddFailure(Failure(path, "Variable names may only contain letters, digits and _ (at most 64)", "invalid_string"));
                }
                else if (variable.Value is null || string.IsNullOrWhiteSpace(variable.Value.Title) || !Characters.AtMost(variable.Value.Title, MaxTitleCharacters))
                {
                    context.AddFailure(Failure(path + ".title", $"Each variable needs a title of at most {MaxTitleCharacters} characters", "required"));
                }
                else if (!Characters.AtMost(variable.Value.Description, MaxDescriptionCharacters))
                {
                    context.AddFailure(Failure(path + ".description", $"Description must be at most {MaxDescriptionCharacters} characters", "too_big"));
                }
            }).When(r => r.Config!.CustomUserVars is not null);

            When(r => r.Config!.OAuth is not null, () =>
            {
                OAuthUrl(r => r.Config!.OAuth!.AuthorizationUrl, "oauth.authorization_url");
                OAuthUrl(r => r.Config!.OAuth!.TokenUrl, "oauth.token_url");
                OAuthUrl(r => r.Config!.OAuth!.RevocationEndpoint, "oauth.revocation_endpoint");
                RuleFor(r => r.Config!.OAuth!.ClientId).MaximumLength(512).OverridePropertyName("oauth.client_id").WithErrorCode("too_big");
                RuleFor(r => r.Config!.OAuth!.ClientSecret).MaximumLength(4096).OverridePropertyName("oauth.client_secret").WithErrorCode("too_big");
                RuleFor(r => r.Config!.OAuth!.Scope).MaximumLength(1024).OverridePropertyName("oauth.scope").WithErrorCode("too_big");
                RuleFor(r => r.Config!.OAuth!.TokenExchangeMethod).Must(m => m is null || TokenExchangeMethods.Contains(m))
                    .OverridePropertyName("oauth.token_exchange_method").WithMessage("token_exchange_method must be default_post or basic_auth_header").WithErrorCode("invalid_enum_value");
                ShortList(r => r.Config!.OAuth!.GrantTypesSupported, "oauth.grant_types_supported");
                ShortList(r => r.Config!.OAuth!.TokenEndpointAuthMethodsSupported, "oauth.token_endpoint_auth_methods_supported");
                ShortList(r => r.Config!.OAuth!.ResponseTypesSupported, "oauth.response_types_supported");
                ShortList(r => r.Config!.OAuth!.CodeChallengeMethodsSupported, "oauth.code_challenge_methods_supported");
                ShortList(r => r.Config!.OAuth!.RevocationEndpointAuthMethodsSupported, "oauth.revocation_endpoint_auth_methods_supported");
            });
        });
    }

    public static bool IsHttpUrl(string? value) =>
        value is { Length: <= MaxUrlLength }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host)
        && string.IsNullOrEmpty(uri.UserInfo);

    private static bool IsWebSocket(string url) =>
        url.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("wss://", StringComparison.OrdinalIgnoreCase);

    private static bool IsIcon(string? value) =>
        value is not null && (IsHttpUrl(value) || (value.Length <= MaxIconLength && value.StartsWith("data:image/", StringComparison.Ordinal)));

    private void OAuthUrl(System.Linq.Expressions.Expression<Func<ServerConfigRequest, string?>> url, string path) =>
        RuleFor(url).Must(IsHttpUrl).When(r => url.Compile()(r) is not null).OverridePropertyName(path).WithMessage("Invalid url").WithErrorCode("invalid_url");

    private void ShortList(System.Linq.Expressions.Expression<Func<ServerConfigRequest, IReadOnlyList<string>?>> list, string path) =>
        RuleFor(list).Must(l => l is null || (l.Count <= 20 && l.All(i => i is { Length: > 0 and <= 100 })))
            .OverridePropertyName(path).WithMessage("At most 20 non-empty values of at most 100 characters").WithErrorCode("too_big");

    private static FluentValidation.Results.ValidationFailure Failure(string path, string message, string code) =>
        new(path, message) { ErrorCode = code };

    [GeneratedRegex(@"^[a-zA-Z0-9 ]+\z")]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}\z")]
    private static partial Regex HeaderName();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,64}\z")]
    private static partial Regex VariableName();
}
