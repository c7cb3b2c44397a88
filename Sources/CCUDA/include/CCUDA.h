// CCUDA: the CUDA driver API, cuBLASLt and NVRTC, loaded at run time with dlopen/dlsym.
// No CUDA header is needed to build: the few types and entry points fsvideo uses are declared here.
// Each library is opened by a full path chosen in Swift (FSCUDA.LibrarySearch); binding fills a
// table of function pointers and reports the first missing symbol.
#ifndef CCUDA_H
#define CCUDA_H

#include <stddef.h>
#include <stdint.h>

// ---- Driver API (libcuda.so.1) ----
typedef int CUresult;            // 0 = CUDA_SUCCESS
typedef int CUdevice;
typedef uint64_t CUdeviceptr;    // CUdeviceptr_v2
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;

enum {
    CCUDA_ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
    CCUDA_ATTR_MULTIPROCESSOR_COUNT = 16,
    CCUDA_ATTR_COMPUTE_CAPABILITY_MAJOR = 75,
    CCUDA_ATTR_COMPUTE_CAPABILITY_MINOR = 76,
    CCUDA_FUNC_ATTR_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
    CCUDA_STREAM_NON_BLOCKING = 1,
};

typedef struct {
    CUresult (*cuInit)(unsigned int flags);
    CUresult (*cuDriverGetVersion)(int *version);
    CUresult (*cuDeviceGetCount)(int *count);
    CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
    CUresult (*cuDeviceGetName)(char *name, int len, CUdevice device);
    CUresult (*cuDeviceGetAttribute)(int *value, int attribute, CUdevice device);
    CUresult (*cuDeviceTotalMem)(size_t *bytes, CUdevice device);               // cuDeviceTotalMem_v2
    CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *ctx, CUdevice device);
    CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device);                     // _v2
    CUresult (*cuCtxSetCurrent)(CUcontext ctx);
    CUresult (*cuCtxSynchronize)(void);
    CUresult (*cuMemGetInfo)(size_t *free, size_t *total);                      // _v2
    CUresult (*cuMemAlloc)(CUdeviceptr *ptr, size_t bytes);                     // _v2
    CUresult (*cuMemFree)(CUdeviceptr ptr);                                     // _v2
    CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr dst, const void *src, size_t bytes, CUstream s);  // _v2
    CUresult (*cuMemcpyDtoHAsync)(void *dst, CUdeviceptr src, size_t bytes, CUstream s);        // _v2
    CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream s);  // _v2
    CUresult (*cuMemsetD32Async)(CUdeviceptr dst, unsigned int value, size_t count, CUstream s);
    CUresult (*cuStreamCreate)(CUstream *stream, unsigned int flags);
    CUresult (*cuStreamDestroy)(CUstream stream);                               // _v2
    CUresult (*cuStreamSynchronize)(CUstream stream);
    CUresult (*cuModuleLoadData)(CUmodule *module, const void *image);
    CUresult (*cuModuleUnload)(CUmodule module);
    CUresult (*cuModuleGetFunction)(CUfunction *fn, CUmodule module, const char *name);
    CUresult (*cuFuncSetAttribute)(CUfunction fn, int attribute, int value);
    CUresult (*cuLaunchKernel)(CUfunction fn, unsigned gx, unsigned gy, unsigned gz,
                               unsigned bx, unsigned by, unsigned bz, unsigned sharedBytes,
                               CUstream stream, void **params, void **extra);
    CUresult (*cuGetErrorString)(CUresult error, const char **text);
} ccuda_driver;

// ---- NVRTC (libnvrtc.so.12 / .11) ----
typedef int nvrtcResult;         // 0 = NVRTC_SUCCESS
typedef struct _nvrtcProgram *nvrtcProgram;

typedef struct {
    nvrtcResult (*nvrtcVersion)(int *major, int *minor);
    const char *(*nvrtcGetErrorString)(nvrtcResult result);
    nvrtcResult (*nvrtcCreateProgram)(nvrtcProgram *prog, const char *src, const char *name,
                                      int numHeaders, const char *const *headers, const char *const *includeNames);
    nvrtcResult (*nvrtcCompileProgram)(nvrtcProgram prog, int numOptions, const char *const *options);
    nvrtcResult (*nvrtcGetPTXSize)(nvrtcProgram prog, size_t *size);
    nvrtcResult (*nvrtcGetPTX)(nvrtcProgram prog, char *ptx);
    nvrtcResult (*nvrtcGetCUBINSize)(nvrtcProgram prog, size_t *size);   // CUDA ≥ 11.1
    nvrtcResult (*nvrtcGetCUBIN)(nvrtcProgram prog, char *cubin);
    nvrtcResult (*nvrtcGetProgramLogSize)(nvrtcProgram prog, size_t *size);
    nvrtcResult (*nvrtcGetProgramLog)(nvrtcProgram prog, char *log);
    nvrtcResult (*nvrtcDestroyProgram)(nvrtcProgram *prog);
} ccuda_nvrtc;

// ---- cuBLASLt (libcublasLt.so.12 / .11) ----
typedef int cublasStatus_t;      // 0 = CUBLAS_STATUS_SUCCESS
typedef struct cublasLtContext *cublasLtHandle_t;
typedef struct cublasLtMatmulDescOpaque *cublasLtMatmulDesc_t;
typedef struct cublasLtMatrixLayoutOpaque *cublasLtMatrixLayout_t;
typedef struct cublasLtMatmulPreferenceOpaque *cublasLtMatmulPreference_t;

/// cublasLtMatmulAlgo_t: an opaque 64-byte blob.
typedef struct { uint64_t data[8]; } ccuda_matmul_algo;

/// cublasLtMatmulHeuristicResult_t.
typedef struct {
    ccuda_matmul_algo algo;
    size_t workspaceSize;
    cublasStatus_t state;
    float wavesCount;
    int reserved[4];
} ccuda_matmul_heuristic;

enum {
    CCUDA_R_32F = 0,             // cudaDataType
    CCUDA_R_16BF = 14,
    CCUDA_COMPUTE_32F = 68,      // cublasComputeType_t
    CCUDA_OP_N = 0,
    CCUDA_OP_T = 1,
    CCUDA_MATMUL_DESC_TRANSA = 3,
    CCUDA_MATMUL_DESC_TRANSB = 4,
    CCUDA_MATMUL_DESC_EPILOGUE = 7,
    CCUDA_MATMUL_DESC_BIAS_POINTER = 8,
    CCUDA_EPILOGUE_DEFAULT = 1,
    CCUDA_EPILOGUE_BIAS = 4,
    CCUDA_PREF_MAX_WORKSPACE_BYTES = 1,
    CCUDA_PREF_MIN_ALIGNMENT_A_BYTES = 5,      // uint32_t each, default 256
    CCUDA_PREF_MIN_ALIGNMENT_B_BYTES = 6,
    CCUDA_PREF_MIN_ALIGNMENT_C_BYTES = 7,
    CCUDA_PREF_MIN_ALIGNMENT_D_BYTES = 8,
    CCUDA_LAYOUT_BATCH_COUNT = 5,              // int32_t
    CCUDA_LAYOUT_STRIDED_BATCH_OFFSET = 6,     // int64_t, in elements
};

typedef struct {
    size_t (*cublasLtGetVersion)(void);
    cublasStatus_t (*cublasLtCreate)(cublasLtHandle_t *handle);
    cublasStatus_t (*cublasLtDestroy)(cublasLtHandle_t handle);
    cublasStatus_t (*cublasLtMatmulDescCreate)(cublasLtMatmulDesc_t *desc, int computeType, int scaleType);
    cublasStatus_t (*cublasLtMatmulDescDestroy)(cublasLtMatmulDesc_t desc);
    cublasStatus_t (*cublasLtMatmulDescSetAttribute)(cublasLtMatmulDesc_t desc, int attr, const void *buf, size_t size);
    cublasStatus_t (*cublasLtMatrixLayoutCreate)(cublasLtMatrixLayout_t *layout, int type,
                                                 uint64_t rows, uint64_t cols, int64_t ld);
    cublasStatus_t (*cublasLtMatrixLayoutDestroy)(cublasLtMatrixLayout_t layout);
    cublasStatus_t (*cublasLtMatrixLayoutSetAttribute)(cublasLtMatrixLayout_t layout, int attr,
                                                       const void *buf, size_t size);
    cublasStatus_t (*cublasLtMatmulPreferenceCreate)(cublasLtMatmulPreference_t *pref);
    cublasStatus_t (*cublasLtMatmulPreferenceDestroy)(cublasLtMatmulPreference_t pref);
    cublasStatus_t (*cublasLtMatmulPreferenceSetAttribute)(cublasLtMatmulPreference_t pref, int attr,
                                                           const void *buf, size_t size);
    cublasStatus_t (*cublasLtMatmulAlgoGetHeuristic)(cublasLtHandle_t handle, cublasLtMatmulDesc_t desc,
                                                     cublasLtMatrixLayout_t a, cublasLtMatrixLayout_t b,
                                                     cublasLtMatrixLayout_t c, cublasLtMatrixLayout_t d,
                                                     cublasLtMatmulPreference_t pref, int requested,
                                                     ccuda_matmul_heuristic *results, int *returned);
    cublasStatus_t (*cublasLtMatmul)(cublasLtHandle_t handle, cublasLtMatmulDesc_t desc, const void *alpha,
                                     const void *a, cublasLtMatrixLayout_t aDesc,
                                     const void *b, cublasLtMatrixLayout_t bDesc, const void *beta,
                                     const void *c, cublasLtMatrixLayout_t cDesc,
                                     void *d, cublasLtMatrixLayout_t dDesc,
                                     const ccuda_matmul_algo *algo, void *workspace, size_t workspaceBytes,
                                     CUstream stream);
} ccuda_cublaslt;

// ---- Loading ----

/// dlopen(path, RTLD_NOW | RTLD_LOCAL). NULL on failure, with dlerror()'s text copied into `error`.
void *ccuda_open(const char *path, char *error, size_t errorCapacity);

/// dlclose.
void ccuda_close(void *handle);

/// Binds every entry of the table. Returns NULL on success, else the name of the first missing symbol
/// (a static string).
const char *ccuda_bind_driver(void *handle, ccuda_driver *table);
const char *ccuda_bind_nvrtc(void *handle, ccuda_nvrtc *table);
const char *ccuda_bind_cublaslt(void *handle, ccuda_cublaslt *table);

#endif
