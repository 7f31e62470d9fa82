// Vite turns `import './x.css'` into a stylesheet; tell TypeScript such imports exist.
declare module '*.css' {}
