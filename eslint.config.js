// ESLint: typescript-eslint's recommended and type-aware rules, plus the import boundaries of STYLE.md.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** A domain reaches another domain through its service, never its queries (STYLE.md "Layout"). */
const otherDomainsQueries = {
  group: ["../*/*.queries.js", "../../*/*.queries.js"],
  message: "Reach another domain through its service, never its queries.",
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "uploads/", "data/", "test-output/", "public/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: [otherDomainsQueries] }],
      // A file that grows past this does more than one job: split it by job (STYLE.md "Layout").
      "max-lines": ["error", { max: 400 }],
    },
  },
  {
    // Routes and pages parse, call a service and answer: SQL stays behind the services.
    files: ["src/**/*.routes.ts", "src/**/*.pages.ts", "src/**/*-page.ts", "src/**/*.page-*.ts", "src/**/*.http.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            otherDomainsQueries,
            { group: ["./*.queries.js", "../*.queries.js"], message: "Routes and pages call services, never queries." },
          ],
        },
      ],
    },
  },
  {
    // Services hold the rules and never see req/res: from src/http/ they may import types only.
    files: ["src/**/*.service.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            otherDomainsQueries,
            {
              group: ["../http/*", "../../http/*"],
              allowTypeImports: true,
              message: "Services import only types from src/http/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read supertest's `res.body`, typed `any`: asserting on its fields is the point of the test.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
