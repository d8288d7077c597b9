// Jest transform for ESM-only packages in node_modules (NestJS 12 ships ESM only).
// Jest 30 on Node < 24.9 cannot `require()` an ES module, and our tests are CommonJS (ts-jest), so the packages
// listed in jest.config.js's transformIgnorePatterns exception are transpiled to CommonJS here with TypeScript's
// transpileModule (no type check, no Babel needed). `import.meta` has no CommonJS form, so its url/filename/dirname are
// rewritten to their CommonJS equivalents first, and a module's own `require` (ESM code makes one with
// createRequire) is renamed so that it does not clash with CommonJS's.
'use strict';
const crypto = require('node:crypto');
const ts = require('typescript');

const IMPORT_META = {
  'import.meta.url': "require('node:url').pathToFileURL(__filename).href",
  'import.meta.filename': '__filename',
  'import.meta.dirname': '__dirname',
};

module.exports = {
  process(sourceText, sourcePath) {
    let code = sourceText;
    if (/\bcreateRequire\b/.test(code)) code = code.replace(/(?<![.\w$'"])require\b/g, '__esmOwnRequire');
    code = code.replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (m) => IMPORT_META[m]);
    const { outputText } = ts.transpileModule(code, {
      fileName: sourcePath,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        allowJs: true,
        inlineSourceMap: true,
      },
    });
    return { code: outputText };
  },
  getCacheKey(sourceText, sourcePath) {
    return crypto.createHash('sha256').update('esm-to-cjs-v2').update(ts.version).update(sourcePath).update(sourceText).digest('hex');
  },
};
