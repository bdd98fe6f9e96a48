using System.Collections.Concurrent;
using FluentValidation;
using McpPlatform.Api.Errors;
using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace McpPlatform.Api.Validation;

/// <summary>Runs the FluentValidation validator of every bound argument; any failure is a 400 with <c>errors</c>.
/// Validators are singletons, so each argument type's validator (or its absence) is looked up once.</summary>
public sealed class ValidationFilter(IServiceProvider services) : IAsyncActionFilter
{
    private readonly ConcurrentDictionary<Type, IValidator?> _validators = new();

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var failures = new List<FieldError>();
        foreach (var argument in context.ActionArguments.Values)
        {
            if (argument is null || _validators.GetOrAdd(argument.GetType(), type => services.GetService(typeof(IValidator<>).MakeGenericType(type)) as IValidator) is not { } validator)
            {
                continue;
            }

            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            failures.AddRange(result.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage, e.ErrorCode)));
        }

        if (failures.Count > 0)
        {
            context.Result = Problems.Result(Error.Validation(MessageFor(context.ActionDescriptor), failures), context.HttpContext);
            return;
        }

        await next();
    }

    public static string MessageFor(Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor action) =>
        action.EndpointMetadata.OfType<InvalidBodyMessageAttribute>().LastOrDefault()?.Message ?? "Invalid request";

    /// <summary>Malformed JSON and wrong types are reported like validation failures, with the JSON path.</summary>
    public static IActionResult InvalidModelState(ActionContext context)
    {
        var failures = context.ModelState
            .Where(e => e.Value?.Errors.Count > 0)
            .SelectMany(e => e.Value!.Errors.Select(error => new FieldError(
                NormalisePath(e.Key),
                string.IsNullOrEmpty(error.ErrorMessage) ? "The value could not be read" : error.ErrorMessage,
                "invalid_type")))
            .ToList();
        // A body that failed to parse also reports its parameter as missing; the parse error says more.
        if (failures.Any(f => f.Message.Contains("Path: $", StringComparison.Ordinal)))
        {
            failures.RemoveAll(f => !f.Message.Contains("Path: $", StringComparison.Ordinal));
        }

        return Problems.Result(Error.Validation(MessageFor(context.ActionDescriptor), failures), context.HttpContext);
    }

    /// <summary>Body paths as LibreChat reports them: without <c>$.</c>, and a server config's members without <c>config.</c>.</summary>
    internal static string NormalisePath(string key)
    {
        var path = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key.TrimStart('$');
        return path.StartsWith("config.", StringComparison.Ordinal) ? path["config.".Length..] : path;
    }
}
