// Crumb's own browser code: Alpine components registered before Alpine starts. Kept tiny;
// pages work without it.
document.addEventListener("alpine:init", () => {
  // Reserved for small local UI state (menus, toggles) in later screens.
});
