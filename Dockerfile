# syntax=docker/dockerfile:1
# McpPlatform API image. Build:  docker build -t mcpplatform-api .
# Run:   docker run ... mcpplatform-api                (the API on port 8080)
#        docker run ... mcpplatform-api migrate        (apply migrations and exit; also token, rotate-keys)
# See docs/deployment.md.

# ---- build ------------------------------------------------------------------------------------------------------
# global.json pins the SDK feature band (10.0.4xx, rollForward latestPatch). The floating sdk:10.0 tag follows the
# newest feature band; if it ever moves past the pin, build with --build-arg SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:<version>.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
FROM ${SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1

# Restore first, from the project and central package files only, so this layer is cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY McpPlatform.Domain/McpPlatform.Domain.csproj McpPlatform.Domain/
COPY McpPlatform.Infrastructure/McpPlatform.Infrastructure.csproj McpPlatform.Infrastructure/
COPY McpPlatform.Api/McpPlatform.Api.csproj McpPlatform.Api/
RUN dotnet restore McpPlatform.Api/McpPlatform.Api.csproj

COPY McpPlatform.Domain/ McpPlatform.Domain/
COPY McpPlatform.Infrastructure/ McpPlatform.Infrastructure/
COPY McpPlatform.Api/ McpPlatform.Api/
RUN dotnet publish McpPlatform.Api/McpPlatform.Api.csproj -c Release -o /app/publish --no-restore /p:UseAppHost=false

# ---- runtime ----------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# Listen on 8080 in the container. This must be the configuration key `Urls`: appsettings.json sets
# Urls=http://localhost:5080, which outranks ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS (and localhost would be
# unreachable from outside the container); a plain `Urls` environment variable outranks appsettings.json.
ENV Urls=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production

# The files stay owned by root and read-only for the app user; nothing is written under /app at run time, so the
# container can run with a read-only root file system (give it a writable /tmp).
COPY --from=build /app/publish .

# The aspnet image's non-root `app` user.
USER $APP_UID
EXPOSE 8080

# No HEALTHCHECK: the aspnet image has no curl/wget. Probe /health/live (liveness) and /health/ready (readiness)
# from the orchestrator or the reverse proxy instead.
ENTRYPOINT ["dotnet", "McpPlatform.Api.dll"]
