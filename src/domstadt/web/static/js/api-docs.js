// Interactive API documentation: Swagger UI (vendored) over Domstadt's OpenAPI document.
// Tags start collapsed: with all ~140 operations open at once, Swagger UI stopped after the
// first two tags (seen with Chromium 156 and the vendored Swagger UI); a tag opens on a click.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "none"
  });
});
