import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'spotlib:public';

/** A route that needs no user (health, login, static files). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
