using FluentValidation;

namespace McpPlatform.Api.Features.Sharing;

/// <summary>The shape of a share update that the sharing rules never see: a <c>null</c> entry in <c>updated</c> or
/// <c>removed</c> (valid JSON, bound as a null principal) is a 400, not a failure while mapping the request.</summary>
public sealed class UpdatePermissionsRequestValidator : AbstractValidator<UpdatePermissionsRequest>
{
    public UpdatePermissionsRequestValidator()
    {
        RuleForEach(r => r.Updated).NotNull().OverridePropertyName("updated")
            .WithMessage("Each entry must be an object with type, id and accessRoleId").WithErrorCode("invalid_type");
        RuleForEach(r => r.Removed).NotNull().OverridePropertyName("removed")
            .WithMessage("Each entry must be an object with type and id").WithErrorCode("invalid_type");
    }
}
