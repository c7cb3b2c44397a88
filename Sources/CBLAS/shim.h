#ifndef FSVIDEO_CBLAS_SHIM_H
#define FSVIDEO_CBLAS_SHIM_H
#include <cblas.h>

/* LAPACK (Fortran ABI, provided by libopenblas). Declared here so no LAPACKE headers are needed. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
            double *work, const int *lwork, int *info);
void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda, double *wr,
            double *wi, double *vl, const int *ldvl, double *vr, const int *ldvr, double *work,
            const int *lwork, int *info);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
            const int *ldb, int *info);
void zgees_(const char *jobvs, const char *sort, void *select, const int *n, void *a, const int *lda,
            int *sdim, void *w, void *vs, const int *ldvs, void *work, const int *lwork, double *rwork,
            int *bwork, int *info);

int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
#endif
