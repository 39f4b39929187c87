import { defineConfig } from "vite";

// The build lands in dist/, which agentui.go embeds into the Go binary. The folder keeps a
// committed README so that the Go package compiles before the first UI build.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
    },
  },
});
