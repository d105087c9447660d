#include <pthread.h>
#include <unistd.h>

#include "cleanup/workers.h"

int rs_worker_count(int requested, int jobs)
{
    int nt = requested > 0 ? requested : (int)sysconf(_SC_NPROCESSORS_ONLN);
    nt = nt < 1 ? 1 : nt > RS_MAX_WORKERS ? RS_MAX_WORKERS : nt;
    return jobs > 0 && nt > jobs ? jobs : nt;
}

void rs_run_workers(void *(*fn)(void *), void *arg, int nt)
{
    pthread_t th[RS_MAX_WORKERS];
    int started = 0;
    for (int i = 1; i < nt && i < RS_MAX_WORKERS; i++, started++)
        if (pthread_create(&th[i], NULL, fn, arg))
            break;
    fn(arg);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
}
