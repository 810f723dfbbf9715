import js from '@eslint/js';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const features = ['apps', 'audit', 'auth', 'clusters', 'profile', 'shell', 'users'];

// Features stand alone: what two of them share lives in api/, lib/ or components/, which in turn
// never reach into a feature. Only the route table (AppRoutes) brings the features together.
const boundaries = [
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'A feature imports no other feature; move what both need to api/, lib/ or components/.',
  })),
  {
    target: ['./src/api', './src/lib', './src/components'],
    from: './src/features',
    message: 'Shared code does not depend on a feature.',
  },
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'src/api/schema.d.ts', 'src/api/spec.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.d.ts'] })],
    },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
    },
  },
);
