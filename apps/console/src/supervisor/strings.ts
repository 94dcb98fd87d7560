import { addScreenStrings } from '../i18n/index.tsx';
import * as strings from '../i18n/supervisor.ts';

// This screen's words load with it, not with the inbox (i18n/index.tsx, LazyStrings).
addScreenStrings('supervisor', strings);
