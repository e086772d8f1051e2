// Boots Swagger UI on /api/docs from the locally served bundle (no CDN).
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("swagger-ui");
  // deno-lint-ignore no-undef
  SwaggerUIBundle({ url: element.dataset.specUrl, domNode: element, deepLinking: true });
});
