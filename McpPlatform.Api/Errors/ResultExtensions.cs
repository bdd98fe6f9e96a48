using McpPlatform.Domain.Common;
using Microsoft.AspNetCore.Mvc;

namespace McpPlatform.Api.Errors;

/// <summary>Turns a domain <see cref="Result{T}"/> into an action result: the mapped value, or the error's problem.</summary>
public static class ResultExtensions
{
    public static IActionResult ToActionResult<T>(this Result<T> result, ControllerBase controller, Func<T, IActionResult> onSuccess) =>
        result.Match(onSuccess, error => Problems.Result(error, controller.HttpContext));

    public static IActionResult ToActionResult<T>(this Result<T> result, ControllerBase controller, Func<T, object> map) =>
        result.ToActionResult(controller, value => (IActionResult)controller.Ok(map(value)));
}
