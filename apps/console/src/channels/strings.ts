import * as strings from '../i18n/channels.ts';
import { addScreenStrings } from '../i18n/index.tsx';

// This screen's words load with it, not with the inbox (i18n/index.tsx, LazyStrings).
addScreenStrings('channels', strings);
