// Interactive API documentation: Swagger UI (vendored) over Domstadt's OpenAPI document.
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
