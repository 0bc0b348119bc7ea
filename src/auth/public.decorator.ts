import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'spotlib:public';
export const REQUIRES_API_TOKEN = 'spotlib:requires-api-token';

/** A route that needs no user (health, login, static files). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** A route for machines (scrobblers): the user comes from an API token, even in local mode. */
export const RequiresApiToken = () => SetMetadata(REQUIRES_API_TOKEN, true);
