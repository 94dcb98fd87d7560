import { addScreenStrings } from '../../i18n/index.tsx';
import * as templates from '../../i18n/templates.ts';

// The template picker's words load with it, not with the conversation.
addScreenStrings('templates', templates);
