import type Handlebars from 'handlebars';

/**
 * Handlebars' compiler (parser and code generator), reached from functions/ only through this module.
 *
 * A deployed function runs its templates precompiled (infra/constructs/precompiled-templates.ts writes them at
 * bundling) with `handlebars/runtime` alone. The compiler and the `source-map` package it requires are about
 * 90 KB of minified code that every cold start would load and never use, so the full `handlebars` is never
 * imported statically by code that runs in Lambda: it is imported here, lazily, through `import()` of a
 * specifier that is not a string literal. esbuild bundles only `import()` of a literal and leaves this one to
 * Node at run time; in Lambda there is no node_modules, the import fails, and `loadCompiler` says the compiler
 * is absent. From the repository (`npm start`, vitest, tsx) it loads, and templates are compiled from their .hbs,
 * so an edit shows at once. test/infra/templates-bundling.test.ts checks that no bundle carries the compiler.
 *
 * The type import above is erased: it describes the module, it does not load it.
 */

/** The full `handlebars` package: the runtime and the compiler. */
export type HandlebarsCompiler = typeof Handlebars;

/** Handlebars' code generator class (`JavaScriptCompiler`), untyped by the package. */
// biome-ignore lint/suspicious/noExplicitAny: Handlebars' compiler classes are ES5 constructors without typings
export type CodeGenerator = any;

/** How one family of templates (PDF, mail, web pages) is compiled. */
export interface CompileProfile {
  /** Handlebars' compile options (escaping, strict mode, indentation of partials). */
  readonly options: CompileOptions;
  /** A code generator derived from Handlebars' own (the PDF templates' print-strict lookups). */
  readonly codeGenerator?: (base: CodeGenerator) => CodeGenerator;
}

/** The name is a parameter, so esbuild sees no literal to follow (see above). */
function importAtRunTime(specifier: string): Promise<{ default?: HandlebarsCompiler }> {
  return import(/* @vite-ignore */ specifier);
}

let loading: Promise<HandlebarsCompiler | undefined> | undefined;

/** The full `handlebars`, or undefined where it is not installed (a Lambda bundle). Loaded once. */
export function loadCompiler(): Promise<HandlebarsCompiler | undefined> {
  loading ??= importAtRunTime('handlebars').then(
    (module) => module.default ?? (module as unknown as HandlebarsCompiler),
    (error: NodeJS.ErrnoException) => {
      if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') return undefined;
      throw error;
    },
  );
  return loading;
}

const environments = new WeakMap<HandlebarsCompiler, WeakMap<CompileProfile, HandlebarsCompiler>>();

/** A compiling environment for a profile (its code generator installed), one per package and profile. */
function compilingEnvironment(hb: HandlebarsCompiler, profile: CompileProfile): HandlebarsCompiler {
  let byProfile = environments.get(hb);
  if (!byProfile) {
    byProfile = new WeakMap();
    environments.set(hb, byProfile);
  }
  let env = byProfile.get(profile);
  if (!env) {
    env = hb.create();
    if (profile.codeGenerator) {
      const withGenerator = env as unknown as { JavaScriptCompiler: CodeGenerator };
      withGenerator.JavaScriptCompiler = profile.codeGenerator(withGenerator.JavaScriptCompiler);
    }
    byProfile.set(profile, env);
  }
  return env;
}

/** Parse a template's text (Handlebars' parse errors carry the line). */
export function parseTemplate(hb: HandlebarsCompiler, source: string): hbs.AST.Program {
  return hb.parse(source);
}

/**
 * A parsed template as the JavaScript source of its template spec: what a bundle carries, and what the
 * repository evaluates too, so both run the very same code.
 */
export function precompileTemplate(
  hb: HandlebarsCompiler,
  profile: CompileProfile,
  program: hbs.AST.Program,
): string {
  // A copy: Handlebars writes its defaults (`data`) into the options object it is given.
  const options = { ...profile.options };
  // Handlebars' types say a spec object; at run time precompile returns the spec's JavaScript source.
  return compilingEnvironment(hb, profile).precompile(program, options) as unknown as string;
}
